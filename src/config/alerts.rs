//! `[alerts]`: who hears about incidents besides the till's own window: a webhook (HTTP POST
//! of a JSON body) and e-mail (SMTP with TLS), and how long a device may be offline before
//! that is an incident.

use serde::Deserialize;
use std::path::PathBuf;

/// Minutes a terminal or printer may stay unreachable before an incident opens.
pub const DEFAULT_OFFLINE_MINUTES: u32 = 10;
/// The longest offline limit: a day.
pub const MAX_OFFLINE_MINUTES: u32 = 1440;
/// Seconds one webhook call or mail delivery may take when the config says nothing.
pub const DEFAULT_TIMEOUT_SECS: u64 = 10;
/// The most `timeout_seconds` may say: an attempt that hangs longer holds up the queue.
pub const MAX_TIMEOUT_SECS: u64 = 120;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertsConfig {
    /// A desktop notification for every new incident and clear-time reminder.
    pub desktop: bool,
    pub webhook: Option<WebhookConfig>,
    pub email: Option<EmailConfig>,
    /// A terminal or printer offline for longer than this opens an incident.
    pub device_offline_minutes: u32,
}

impl Default for AlertsConfig {
    fn default() -> AlertsConfig {
        AlertsConfig {
            desktop: true,
            webhook: None,
            email: None,
            device_offline_minutes: DEFAULT_OFFLINE_MINUTES,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookConfig {
    /// http:// or https://
    pub url: String,
    /// Per attempt: connecting, sending and reading the answer.
    pub timeout_secs: u64,
}

/// How the SMTP connection is secured: TLS from the first byte (port 465) or STARTTLS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    Tls,
    StartTls,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailConfig {
    pub server: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    /// A PEM file of extra trusted CA certificates (a shop's own mail relay).
    pub ca_file: Option<std::path::PathBuf>,
    pub timeout_secs: u64,
}

/// `[alerts]` as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AlertsSection {
    desktop: Option<bool>,
    device_offline_minutes: Option<i64>,
    webhook: Option<WebhookSection>,
    email: Option<EmailSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WebhookSection {
    url: Option<String>,
    timeout_seconds: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EmailSection {
    server: Option<String>,
    port: Option<i64>,
    security: Option<String>,
    username: Option<String>,
    password: Option<String>,
    from: Option<String>,
    to: Option<Vec<String>>,
    ca_file: Option<String>,
    timeout_seconds: Option<i64>,
}

impl AlertsSection {
    pub(super) fn check(self) -> Result<AlertsConfig, String> {
        let device_offline_minutes = match self.device_offline_minutes {
            None => DEFAULT_OFFLINE_MINUTES,
            Some(n) => u32::try_from(n)
                .ok()
                .filter(|n| (1..=MAX_OFFLINE_MINUTES).contains(n))
                .ok_or_else(|| {
                    format!("[alerts] device_offline_minutes: {n} is not a number of minutes from 1 to {MAX_OFFLINE_MINUTES}")
                })?,
        };
        Ok(AlertsConfig {
            desktop: self.desktop.unwrap_or(true),
            webhook: self.webhook.map(WebhookSection::check).transpose()?,
            email: self.email.map(EmailSection::check).transpose()?,
            device_offline_minutes,
        })
    }
}

impl WebhookSection {
    fn check(self) -> Result<WebhookConfig, String> {
        let url = self
            .url
            .ok_or("[alerts.webhook] url: missing (e.g. https://example.com/hooks/till)")?;
        let url = check_url(&url).map_err(|e| format!("[alerts.webhook] url: {e}"))?;
        let timeout_secs = check_timeout(self.timeout_seconds).map_err(|e| format!("[alerts.webhook] {e}"))?;
        Ok(WebhookConfig { url, timeout_secs })
    }
}

impl EmailSection {
    fn check(self) -> Result<EmailConfig, String> {
        let key = |k: &str, e: String| format!("[alerts.email] {k}: {e}");
        let server = self
            .server
            .ok_or("[alerts.email] server: missing (the mail server's host name)")?;
        let server = check_server(&server).map_err(|e| key("server", e))?;
        let security = match self.security.as_deref().map(str::trim) {
            None | Some("starttls") => SmtpSecurity::StartTls,
            Some("tls") => SmtpSecurity::Tls,
            Some(other) => return Err(key("security", format!("'{other}' is not \"tls\" or \"starttls\""))),
        };
        let port = match self.port {
            None if security == SmtpSecurity::Tls => 465,
            None => 587,
            Some(n) => u16::try_from(n)
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| key("port", format!("{n} is not a port from 1 to 65535")))?,
        };
        let (username, password) = match (self.username, self.password) {
            (Some(u), _) if u.trim().is_empty() => return Err(key("username", "empty (leave the key out)".into())),
            (Some(_), None) => return Err(key("password", "missing (a username needs a password)".into())),
            (None, Some(_)) => return Err(key("username", "missing (a password needs a username)".into())),
            (Some(_), Some(p)) if p.is_empty() => return Err(key("password", "empty".into())),
            pair => pair,
        };
        let from = self.from.ok_or("[alerts.email] from: missing (the sender's address)")?;
        let from = check_address(&from).map_err(|e| key("from", e))?;
        let to = self
            .to
            .ok_or("[alerts.email] to: missing (a list of addresses, e.g. [\"boss@example.com\"])")?;
        if to.is_empty() {
            return Err(key("to", "empty (name at least one address)".into()));
        }
        let to = to
            .iter()
            .map(|a| check_address(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| key("to", e))?;
        let ca_file = self
            .ca_file
            .map(|f| check_ca_file(&f))
            .transpose()
            .map_err(|e| key("ca_file", e))?;
        let timeout_secs = check_timeout(self.timeout_seconds).map_err(|e| format!("[alerts.email] {e}"))?;
        Ok(EmailConfig {
            server,
            port,
            security,
            username,
            password,
            from,
            to,
            ca_file,
            timeout_secs,
        })
    }
}

pub(crate) fn check_timeout(value: Option<i64>) -> Result<u64, String> {
    match value {
        None => Ok(DEFAULT_TIMEOUT_SECS),
        Some(n) => u64::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_TIMEOUT_SECS).contains(n))
            .ok_or_else(|| format!("timeout_seconds: {n} is not a number of seconds from 1 to {MAX_TIMEOUT_SECS}")),
    }
}

/// Checks a webhook address (without the key's name, so a settings form can show it).
pub fn check_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("'{text}' contains spaces or control characters"));
    }
    let uri: ureq::http::Uri = text.parse().map_err(|e| format!("'{text}' is not a URL: {e}"))?;
    let scheme = uri.scheme_str().map(str::to_ascii_lowercase);
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(format!("'{text}' does not start with http:// or https://"));
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(format!("'{text}' names no host"));
    }
    Ok(text.to_string())
}

/// Checks an e-mail address as written (a bare address, `name@domain`).
pub fn check_address(text: &str) -> Result<String, String> {
    let text = text.trim();
    let address: lettre::Address = text.parse().map_err(|_| format!("'{text}' is not an e-mail address"))?;
    // A domain without a dot is a typo far more often than a real mail domain.
    if !address.domain().contains('.') && !address.domain().starts_with('[') {
        return Err(format!("'{text}' is not an e-mail address (the domain has no dot)"));
    }
    Ok(text.to_string())
}

pub(crate) fn check_server(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty".into());
    }
    if text.contains("://") || text.contains('/') || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "'{text}' is not a host name (e.g. smtp.example.com; the port is its own key)"
        ));
    }
    Ok(text.to_string())
}

/// Absolute, as `[backup] folder`: a relative path would depend on where the till started.
pub(crate) fn check_ca_file(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text.trim());
    if text.trim().is_empty() || !path.is_absolute() {
        return Err(format!("'{text}' is not an absolute path to a PEM file"));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::super::Config;
    use super::*;

    fn alerts(text: &str) -> Result<AlertsConfig, String> {
        Config::parse(text).map(|c| c.alerts)
    }

    fn email(body: &str) -> Result<EmailConfig, String> {
        let text = format!("[alerts.email]\nserver = \"smtp.example.com\"\nfrom = \"till@shop.example\"\n{body}");
        alerts(&text).map(|a| a.email.expect("email section"))
    }

    #[test]
    fn defaults_without_a_section() {
        assert_eq!(alerts("").expect("empty"), AlertsConfig::default());
        let a = alerts("[alerts]\ndesktop = false\ndevice_offline_minutes = 1440\n").expect("valid");
        assert!(!a.desktop);
        assert_eq!(a.device_offline_minutes, 1440);
        for bad in ["0", "1441", "-5", "\"10\""] {
            let e = alerts(&format!("[alerts]\ndevice_offline_minutes = {bad}\n")).expect_err(bad);
            assert!(e.contains("device_offline_minutes"), "{bad}: {e}");
        }
        let e = alerts("[alerts]\nsms = true\n").expect_err("unknown key");
        assert!(e.contains("sms"), "{e}");
    }

    #[test]
    fn the_readme_example_parses() {
        let text = "[alerts]\ndesktop = true\ndevice_offline_minutes = 10\n\n\
            [alerts.webhook]\nurl = \"https://hooks.example.com/till\"\ntimeout_seconds = 10\n\n\
            [alerts.email]\nserver = \"smtp.example.com\"\nsecurity = \"starttls\"\nport = 587\n\
            username = \"till@shop.example\"\npassword = \"...\"\nfrom = \"till@shop.example\"\n\
            to = [\"boss@shop.example\"]\ntimeout_seconds = 10\n";
        let a = alerts(text).expect("valid");
        assert!(a.webhook.is_some());
        let e = a.email.expect("email");
        assert_eq!(
            (e.server.as_str(), e.port, e.security),
            ("smtp.example.com", 587, SmtpSecurity::StartTls)
        );
    }

    #[test]
    fn webhook_url_and_timeout_are_checked() {
        let a = alerts("[alerts.webhook]\nurl = \"https://hooks.example.com/till?k=1\"\n").expect("valid");
        let w = a.webhook.expect("webhook");
        assert_eq!(w.url, "https://hooks.example.com/till?k=1");
        assert_eq!(w.timeout_secs, DEFAULT_TIMEOUT_SECS);
        let a = alerts("[alerts.webhook]\nurl = \"http://127.0.0.1:8080/x\"\ntimeout_seconds = 120\n").expect("valid");
        assert_eq!(a.webhook.expect("webhook").timeout_secs, 120);
        for bad in [
            "ftp://example.com/x",
            "example.com/hook",
            "https://",
            "http:///path",
            "https://a b.com/",
            "",
        ] {
            let e = alerts(&format!("[alerts.webhook]\nurl = \"{bad}\"\n")).expect_err(bad);
            assert!(e.starts_with("[alerts.webhook] url: "), "{bad}: {e}");
        }
        for bad in ["0", "121", "-1"] {
            let e = alerts(&format!(
                "[alerts.webhook]\nurl = \"http://x.example/\"\ntimeout_seconds = {bad}\n"
            ))
            .expect_err(bad);
            assert!(e.contains("[alerts.webhook] timeout_seconds"), "{bad}: {e}");
        }
        let e = alerts("[alerts.webhook]\ntimeout_seconds = 5\n").expect_err("no url");
        assert!(e.contains("[alerts.webhook] url: missing"), "{e}");
    }

    #[test]
    fn email_defaults_follow_the_security() {
        let e = email("to = [\"boss@shop.example\"]\n").expect("valid");
        assert_eq!(e.security, SmtpSecurity::StartTls);
        assert_eq!(e.port, 587);
        assert_eq!(e.timeout_secs, DEFAULT_TIMEOUT_SECS);
        assert_eq!((e.username, e.password, e.ca_file), (None, None, None));
        let e = email("security = \"tls\"\nto = [\"a@shop.example\", \"b@shop.example\"]\n").expect("valid");
        assert_eq!((e.security, e.port), (SmtpSecurity::Tls, 465));
        assert_eq!(e.to, ["a@shop.example", "b@shop.example"]);
        let ca = if cfg!(windows) {
            r"C:\\certs\\ca.pem"
        } else {
            "/etc/tillguard/ca.pem"
        };
        let e = email(&format!(
            "security = \"starttls\"\nport = 2525\nusername = \"till\"\npassword = \"s3cret\"\nto = [\"a@shop.example\"]\nca_file = '{ca}'\ntimeout_seconds = 30\n"
        ))
        .expect("valid");
        assert_eq!(e.port, 2525);
        assert_eq!(e.username.as_deref(), Some("till"));
        assert_eq!(e.password.as_deref(), Some("s3cret"));
        assert_eq!(e.ca_file, Some(PathBuf::from(ca)));
        assert_eq!(e.timeout_secs, 30);
    }

    #[test]
    fn email_mistakes_name_the_key() {
        let cases = [
            ("to = []\n", "to: empty"),
            ("", "to: missing"),
            ("to = [\"boss\"]\n", "to: 'boss' is not"),
            ("to = [\"a@shop.example\", \"b@\"]\n", "to: 'b@' is not"),
            ("to = [\"a@localhost\"]\n", "to: 'a@localhost' is not"),
            ("to = [\"a@shop.example\"]\nusername = \"till\"\n", "password: missing"),
            ("to = [\"a@shop.example\"]\npassword = \"x\"\n", "username: missing"),
            ("to = [\"a@shop.example\"]\nsecurity = \"none\"\n", "security: 'none'"),
            ("to = [\"a@shop.example\"]\nport = 70000\n", "port: 70000"),
            ("to = [\"a@shop.example\"]\nport = 0\n", "port: 0"),
            ("to = [\"a@shop.example\"]\nca_file = \"ca.pem\"\n", "ca_file: 'ca.pem'"),
            ("to = [\"a@shop.example\"]\ntimeout_seconds = 0\n", "timeout_seconds: 0"),
            ("to = [\"a@shop.example\"]\nsmtp_host = \"x\"\n", "smtp_host"),
        ];
        for (body, expected) in cases {
            let e = email(body).expect_err(body);
            assert!(e.contains(expected), "{body:?}: {e}");
            if !expected.contains("smtp_host") {
                assert!(e.starts_with("[alerts.email] "), "{body:?}: {e}");
            }
        }
        let e =
            alerts("[alerts.email]\nfrom = \"till@shop.example\"\nto = [\"a@shop.example\"]\n").expect_err("no server");
        assert!(e.contains("[alerts.email] server: missing"), "{e}");
        let e = alerts("[alerts.email]\nserver = \"smtps://mail.example.com\"\nfrom = \"t@shop.example\"\nto = [\"a@shop.example\"]\n")
            .expect_err("scheme");
        assert!(e.contains("[alerts.email] server: "), "{e}");
        let e = alerts("[alerts.email]\nserver = \"mail.example.com\"\nfrom = \"till\"\nto = [\"a@shop.example\"]\n")
            .expect_err("from");
        assert!(e.contains("[alerts.email] from: 'till' is not"), "{e}");
    }
}
