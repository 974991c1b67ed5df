/// The strength rule for new passwords: 10 to 256 characters, at least 5 different characters,
/// not one of the most common passwords, and not containing the account's email name.
public enum PasswordPolicy {
    public static let minimumLength = 10
    public static let maximumLength = 256
    static let common: Set<String> = [
        "password", "password1", "password12", "password123", "1234567890", "12345678910", "qwertyuiop", "qwerty1234",
        "iloveyou12", "letmein123", "welcome123", "admin12345", "abc1234567", "passw0rd12", "football12", "1q2w3e4r5t",
        "0987654321", "1111111111", "aaaaaaaaaa", "changeme12", "coachrag12", "trustno1234",
    ]

    /// Nil when acceptable, else the reason (for a field error on `password`).
    public static func problem(with password: String, email: String) -> String? {
        if password.count < minimumLength { return "must be at least \(minimumLength) characters" }
        if password.count > maximumLength { return "must be at most \(maximumLength) characters" }
        if Set(password).count < 5 { return "must use at least 5 different characters" }
        let lowered = password.lowercased()
        if common.contains(lowered) { return "is one of the most common passwords" }
        if let name = email.lowercased().split(separator: "@").first, name.count >= 4, lowered.contains(name) {
            return "must not contain your email name"
        }
        return nil
    }
}
