//! `[alerts]`: who hears about incidents besides the till's own window: a webhook (HTTP POST
//! of a JSON body) and e-mail (SMTP with TLS), and how long a device may be offline before
//! that is an incident.

/// Minutes a terminal or printer may stay unreachable before an incident opens.
pub const DEFAULT_OFFLINE_MINUTES: u32 = 10;

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
