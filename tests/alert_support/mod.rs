//! Test support for the alert transports: a recording HTTP/1.1 server ([`http`]), an SMTP
//! server with STARTTLS, implicit TLS and AUTH ([`smtp`]), and the little MIME decoding the
//! tests need to read what arrived ([`mime`]). Use with `mod alert_support;`.
//!
//! Both servers listen on 127.0.0.1 on a free port, serve each connection on its own thread
//! with read timeouts (a stuck client cannot hang the test run) and stop when dropped.
#![allow(dead_code)]

pub mod http;
pub mod mime;
pub mod smtp;
