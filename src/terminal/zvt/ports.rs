//! Serial ports present on this computer, for setup screens and error messages.

/// Port names (e.g. "/dev/ttyUSB0", "COM3"), sorted; empty if enumeration fails, since the
/// list only ever helps a person choose and must not turn into an error of its own.
pub fn available_ports() -> Vec<String> {
    let mut names: Vec<String> = serialport::available_ports()
        .map(|ports| ports.into_iter().map(|p| p.port_name).collect())
        .unwrap_or_default();
    names.sort();
    names.dedup();
    names
}
