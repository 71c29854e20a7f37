//! Delivering the alert queue: every due alert is tried once per round; a failure is kept with
//! its error and tried again later, backing off up to a quarter of an hour, for as long as it
//! takes (an alert is never dropped: the manager must hear about a lost batch).

use super::{AlertMessage, Channel};
use crate::config::AlertsConfig;
use crate::store::{Store, StoreError};
use jiff::{SignedDuration, Timestamp};

/// Sends one alert on one channel.
pub trait Transport {
    fn send(&self, channel: Channel, message: &AlertMessage) -> Result<(), String>;
}

/// The real transports, as configured.
pub struct Configured<'a>(pub &'a AlertsConfig);

impl Transport for Configured<'_> {
    fn send(&self, channel: Channel, message: &AlertMessage) -> Result<(), String> {
        match channel {
            Channel::Webhook => match &self.0.webhook {
                Some(w) => super::webhook::post(w, message).map_err(|e| e.to_string()),
                None => Err("no webhook is configured ([alerts.webhook] url)".into()),
            },
            Channel::Email => match &self.0.email {
                Some(e) => super::smtp::send(e, message).map_err(|e| e.to_string()),
                None => Err("no mail server is configured ([alerts.email] server)".into()),
            },
        }
    }
}

/// The channels an incident's alerts go to.
pub fn channels(config: &AlertsConfig) -> Vec<Channel> {
    let mut out = Vec::new();
    if config.webhook.is_some() {
        out.push(Channel::Webhook);
    }
    if config.email.is_some() {
        out.push(Channel::Email);
    }
    out
}

/// The wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4, 8 min, then every 15 min.
pub fn retry_after(attempts: u32) -> SignedDuration {
    let seconds = 30i64.saturating_mul(1i64 << attempts.saturating_sub(1).min(5));
    SignedDuration::from_secs(seconds.min(15 * 60))
}

/// What one round of delivery did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Round {
    pub sent: u32,
    /// (alert id, channel, error)
    pub failed: Vec<(i64, Channel, String)>,
}

/// Alerts tried per round, so a long outage's backlog does not hold the worker for long.
const PER_ROUND: u32 = 50;

/// Tries every due alert once. `now` is asked again after each attempt (a send can take up to
/// its timeout), so the next attempt is timed from when this one ended.
pub fn deliver_due(
    store: &mut Store,
    transport: &dyn Transport,
    now: &dyn Fn() -> Timestamp,
) -> Result<Round, StoreError> {
    let mut round = Round::default();
    for alert in store.alerts_due(now(), PER_ROUND)? {
        match transport.send(alert.channel, &alert.message) {
            Ok(()) => {
                store.alert_sent(alert.id, now())?;
                round.sent += 1;
            }
            Err(e) => {
                let next = now()
                    .saturating_add(retry_after(alert.attempts + 1))
                    .unwrap_or(Timestamp::MAX);
                tracing::warn!("alert #{} by {} failed: {e}", alert.id, alert.channel.as_str());
                store.alert_failed(alert.id, &e, next)?;
                round.failed.push((alert.id, alert.channel, e));
            }
        }
    }
    Ok(round)
}
