//! placeholder: the SMTP sender
