// Debian's libxml2 headers pull in the system ICU, which clashes with the toolchain's
// _FoundationICU in modules that also import Foundation. Only a clean build shows it.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
