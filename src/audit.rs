//! The audit chain: each event's hash covers the previous hash and the event's content.

use sha2::{Digest, Sha256};

/// The previous-hash of the very first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the fields, each length-prefixed so no two events can hash alike by shifting text.
pub fn event_hash(prev_hash: &str, seq: i64, at: &str, actor: &str, kind: &str, detail: &str) -> String {
    let mut h = Sha256::new();
    let seq = seq.to_string();
    for part in [prev_hash, seq.as_str(), at, actor, kind, detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_depends_on_every_field() {
        let base = event_hash(GENESIS, 1, "t", "a", "k", "d");
        assert_eq!(base.len(), 64);
        assert_ne!(base, event_hash(GENESIS, 2, "t", "a", "k", "d"));
        assert_ne!(base, event_hash(GENESIS, 1, "t", "a", "k", "e"));
        assert_ne!(
            event_hash(GENESIS, 1, "t", "ab", "k", "d"),
            event_hash(GENESIS, 1, "t", "a", "bk", "d")
        );
    }
}
