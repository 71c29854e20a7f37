//! placeholder: the webhook sender
