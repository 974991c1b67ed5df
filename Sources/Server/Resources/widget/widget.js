/* coachrag chat widget: one script, one stylesheet, no other resources. Paste
   <script src="https://HOST/widget.js" data-creator="demo" data-key="crk_..."></script>
   into a page. The widget lives in an open shadow root; everything it shows is inserted as
   text (never as HTML); it talks to HOST's OpenAI-compatible /v1/chat/completions with
   streaming and keeps the conversation for the browser session (sessionStorage). */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-creator][src*='widget.js']");
  if (!script) return;
  var creator = script.getAttribute("data-creator") || "";
  var key = script.getAttribute("data-key") || "";
  var title = script.getAttribute("data-title") || "Ask the coach";
  var base = new URL(script.src, document.baseURI).origin;
  var storageKey = "coachrag:" + base + ":" + creator;
  var maxTurns = 12;

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    for (var name in attributes || {}) node.setAttribute(name, attributes[name]);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  var host = el("div", { "data-coachrag": creator });
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: base + "/widget.css" }));
  var launcher = el("button", { type: "button", class: "launcher", "data-testid": "coachrag-launcher",
                                "aria-expanded": "false", "aria-controls": "coachrag-panel", "aria-label": title }, title);
  var panel = el("section", { id: "coachrag-panel", class: "panel", role: "dialog", "aria-label": title, hidden: "" });
  var header = el("header", { class: "header" });
  header.appendChild(el("h2", {}, title));
  var close = el("button", { type: "button", class: "close", "aria-label": "Close chat" }, "\u00d7");
  header.appendChild(close);
  var list = el("div", { class: "messages", role: "log", "aria-live": "polite", "aria-relevant": "additions text" });
  var status = el("p", { class: "status", role: "status" });
  var form = el("form", { class: "composer" });
  var input = el("textarea", { rows: "2", maxlength: "4000", "data-testid": "coachrag-input", "aria-label": "Your question",
                               placeholder: "Ask a question about the coaching material" });
  var send = el("button", { type: "submit", "data-testid": "coachrag-send" }, "Send");
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(status);
  panel.appendChild(form);
  root.appendChild(launcher);
  root.appendChild(panel);
  (document.body || document.documentElement).appendChild(host);

  var history = [];
  try { history = JSON.parse(sessionStorage.getItem(storageKey) || "[]"); } catch (e) { history = []; }
  function save() {
    try { sessionStorage.setItem(storageKey, JSON.stringify(history.slice(-2 * maxTurns))); } catch (e) { /* private mode */ }
  }

  function pages(citation) {
    if (citation.page_start == null) return "";
    var end = citation.page_end == null ? citation.page_start : citation.page_end;
    return end === citation.page_start ? ", p. " + citation.page_start : ", pp. " + citation.page_start + "\u2013" + end;
  }

  /* One message: its text, then (for answers) a note on how it was answered and its citations. */
  function render(message) {
    var node = el("div", { class: "message " + message.role, "data-testid": "coachrag-message", "data-role": message.role });
    var text = el("p", { class: "text" }, message.content);
    node.appendChild(text);
    var extra = el("div", { class: "extra" });
    node.appendChild(extra);
    list.appendChild(node);
    var view = { node: node, text: text, extra: extra };
    if (message.role === "assistant" && message.done) finish(view, message);
    return view;
  }

  function finish(view, message) {
    view.extra.textContent = "";
    view.node.setAttribute("aria-busy", "false");
    if (message.covered === false) {
      view.node.classList.add("not-covered");
      view.extra.appendChild(el("p", { class: "note" }, "The coaching material does not cover this question."));
    } else if (message.mode === "extractive") {
      view.node.classList.add("extractive");
      view.extra.appendChild(el("p", { class: "note" }, "Answer quoted from the material (the chat model is not available right now)."));
    }
    var citations = message.citations || [];
    if (citations.length) {
      var sources = el("ol", { class: "citations", "aria-label": "Sources" });
      citations.forEach(function (citation) {
        var item = el("li", {});
        var details = el("details", { "data-testid": "coachrag-citation" });
        var label = "[" + citation.n + "] " + citation.document.split("/").pop() + pages(citation);
        details.appendChild(el("summary", { title: citation.quote }, label));
        details.appendChild(el("blockquote", {}, citation.quote));
        item.appendChild(details);
        sources.appendChild(item);
      });
      view.extra.appendChild(sources);
    }
  }

  history.forEach(render);

  function setOpen(open) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    host.classList.toggle("open", open);
    if (open) { input.focus(); list.scrollTop = list.scrollHeight; } else { launcher.focus(); }
  }
  launcher.addEventListener("click", function () { setOpen(panel.hidden); });
  close.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) { if (event.key === "Escape") setOpen(false); });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit ? form.requestSubmit() : submit(event); }
  });

  function explain(response, body) {
    var wait = response.headers.get("Retry-After");
    if (response.status === 429) return "Too many questions right now; try again" + (wait ? " in " + wait + " s." : " shortly.");
    if (response.status === 401 || response.status === 403) return "This chat is not available on this site.";
    if (response.status >= 500) return "The coach is unavailable right now; try again in a moment.";
    return (body && body.error && body.error.message) || "The question could not be sent (HTTP " + response.status + ").";
  }

  function showError(text) {
    status.textContent = text;
    status.classList.add("error");
  }

  var busy = false;
  function submit(event) {
    if (event) event.preventDefault();
    var question = input.value.trim();
    if (!question || busy) return;
    busy = true;
    send.disabled = true;
    status.textContent = "";
    status.classList.remove("error");
    var asked = { role: "user", content: question };
    render(asked);
    input.value = "";
    var messages = history.slice(-2 * maxTurns).map(function (m) { return { role: m.role, content: m.content }; });
    messages.push(asked);
    var answer = { role: "assistant", content: "", done: false };
    var view = render(answer);
    view.node.setAttribute("aria-busy", "true");
    list.scrollTop = list.scrollHeight;
    var failed = function (text) {
      view.node.remove();
      showError(text);
    };
    fetch(base + "/v1/chat/completions", {
      method: "POST",
      headers: { "Authorization": "Bearer " + key, "Content-Type": "application/json" },
      body: JSON.stringify({ model: "coach-" + creator, messages: messages, stream: true }),
    }).then(function (response) {
      if (!response.ok || !response.body) {
        return response.json().catch(function () { return null; }).then(function (body) { failed(explain(response, body)); });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var pending = "";
      function handle(data) {
        if (data === "[DONE]") return;
        var chunk;
        try { chunk = JSON.parse(data); } catch (e) { return; }
        if (chunk.error) { throw new Error(chunk.error.message || "the answer failed"); }
        var choice = chunk.choices && chunk.choices[0];
        if (choice && choice.delta && choice.delta.content) {
          answer.content += choice.delta.content;
          view.text.textContent = answer.content;
          list.scrollTop = list.scrollHeight;
        }
        if (chunk.coachrag) {
          answer.citations = chunk.coachrag.citations;
          answer.mode = chunk.coachrag.mode;
          answer.covered = chunk.coachrag.covered;
        }
      }
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) {
            answer.done = true;
            finish(view, answer);
            history.push(asked, answer);
            save();
            return;
          }
          pending += decoder.decode(step.value, { stream: true });
          var events = pending.split("\n\n");
          pending = events.pop();
          events.forEach(function (event) {
            event.split("\n").forEach(function (line) { if (line.indexOf("data: ") === 0) handle(line.slice(6)); });
          });
          return pump();
        });
      }
      return pump();
    }).catch(function (error) {
      failed(navigator.onLine === false ? "You appear to be offline; check the connection and ask again."
        : error && error.message && error.message.indexOf("fetch") < 0 ? "The answer failed: " + error.message
        : "The coach could not be reached; try again in a moment.");
    }).then(function () {
      busy = false;
      send.disabled = false;
    });
  }
  form.addEventListener("submit", submit);
})();
