//! Alerts: telling the manager about incidents away from the till. Each new incident is
//! queued in the ledger (`alert_outbox`) in the same transaction that opens it, one row per
//! configured channel, and a worker delivers the queue with retries, so an alert survives the
//! till being offline or restarted.

pub mod message;
pub mod outbox;
pub mod smtp;
pub mod webhook;
pub mod worker;

/// One alert as it is sent: an e-mail's subject and plain text, the webhook's JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertMessage {
    pub subject: String,
    pub text: String,
    pub json: serde_json::Value,
}

/// Where an alert goes besides the till's own window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Webhook,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Webhook => "webhook",
            Channel::Email => "email",
        }
    }

    pub fn parse(text: &str) -> Option<Channel> {
        match text {
            "webhook" => Some(Channel::Webhook),
            "email" => Some(Channel::Email),
            _ => None,
        }
    }
}
