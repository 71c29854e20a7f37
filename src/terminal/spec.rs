//! How to reach a card terminal, as written in the config file or on the command line:
//! `zvt+serial:/dev/ttyUSB0@9600`, `zvt+serial:COM3`, `zvt+tcp:10.0.0.5:20007`, `simulator`.

use std::fmt;

pub const DEFAULT_BAUD: u32 = 9600;
pub const DEFAULT_TCP_PORT: u16 = 20007;
/// The serial speeds a ZVT terminal may be set to.
pub const BAUDS: [u32; 8] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TerminalSpec {
    Serial {
        path: String,
        baud: u32,
    },
    Tcp {
        host: String,
        port: u16,
    },
    /// The built-in simulated terminal, spoken to through the real serial code over a pty pair.
    Simulator,
}

impl TerminalSpec {
    pub fn parse(text: &str) -> Result<TerminalSpec, String> {
        let text = text.trim();
        if text == "simulator" {
            return Ok(TerminalSpec::Simulator);
        }
        if let Some(rest) = text.strip_prefix("zvt+serial:") {
            let (path, baud) = match rest.rsplit_once('@') {
                Some((p, b)) => {
                    let baud: u32 = b.parse().map_err(|_| format!("'{b}' is not a baud rate in '{text}'"))?;
                    if !BAUDS.contains(&baud) {
                        return Err(format!(
                            "baud rate {baud} is not one ZVT terminals use (9600 or 115200)"
                        ));
                    }
                    (p, baud)
                }
                None => (rest, DEFAULT_BAUD),
            };
            if path.is_empty() {
                return Err(format!("'{text}' names no serial port"));
            }
            return Ok(TerminalSpec::Serial {
                path: path.to_string(),
                baud,
            });
        }
        if let Some(rest) = text.strip_prefix("zvt+tcp:") {
            let (host, port) = match rest.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') || h.starts_with('[') => (
                    h,
                    p.parse::<u16>()
                        .map_err(|_| format!("'{p}' is not a TCP port in '{text}'"))?,
                ),
                _ => (rest, DEFAULT_TCP_PORT),
            };
            if host.is_empty() {
                return Err(format!("'{text}' names no host"));
            }
            return Ok(TerminalSpec::Tcp {
                host: host.to_string(),
                port,
            });
        }
        Err(format!(
            "'{text}' is not a terminal (use zvt+serial:PATH[@BAUD], zvt+tcp:HOST[:PORT] or simulator)"
        ))
    }
}

impl fmt::Display for TerminalSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TerminalSpec::Serial { path, baud } => write!(f, "zvt+serial:{path}@{baud}"),
            TerminalSpec::Tcp { host, port } => write!(f, "zvt+tcp:{host}:{port}"),
            TerminalSpec::Simulator => f.write_str("simulator"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_com_ports_are_kept_as_written() {
        // The serial library opens `COMn` as `\\.\COMn` itself, which COM10 and above need;
        // a name already in that form goes through unchanged.
        for (text, path, baud) in [
            ("zvt+serial:COM3", "COM3", 9600),
            ("zvt+serial:COM3@115200", "COM3", 115200),
            (r"zvt+serial:\\.\COM10", r"\\.\COM10", 9600),
            (r"zvt+serial:\\.\COM10@19200", r"\\.\COM10", 19200),
        ] {
            let spec = TerminalSpec::parse(text).unwrap();
            assert_eq!(
                spec,
                TerminalSpec::Serial {
                    path: path.into(),
                    baud
                },
                "{text}"
            );
            assert_eq!(TerminalSpec::parse(&spec.to_string()), Ok(spec));
        }
        assert!(TerminalSpec::parse(r"zvt+serial:\\.\COM10@9601").is_err());
    }

    #[test]
    fn parses_every_form_and_names_mistakes() {
        assert_eq!(
            TerminalSpec::parse("zvt+serial:/dev/ttyUSB0@115200"),
            Ok(TerminalSpec::Serial {
                path: "/dev/ttyUSB0".into(),
                baud: 115200
            })
        );
        assert_eq!(
            TerminalSpec::parse("zvt+serial:COM3"),
            Ok(TerminalSpec::Serial {
                path: "COM3".into(),
                baud: 9600
            })
        );
        assert_eq!(
            TerminalSpec::parse("zvt+tcp:10.0.0.5:20008"),
            Ok(TerminalSpec::Tcp {
                host: "10.0.0.5".into(),
                port: 20008
            })
        );
        assert_eq!(
            TerminalSpec::parse("zvt+tcp:pt.local"),
            Ok(TerminalSpec::Tcp {
                host: "pt.local".into(),
                port: 20007
            })
        );
        assert_eq!(TerminalSpec::parse("simulator"), Ok(TerminalSpec::Simulator));
        assert!(TerminalSpec::parse("zvt+serial:/dev/x@12").is_err());
        assert!(TerminalSpec::parse("zvt+tcp:h:notaport").is_err());
        assert!(TerminalSpec::parse("serial:/dev/ttyS0").is_err());
        assert_eq!(
            TerminalSpec::parse("zvt+tcp:h:1").map(|s| s.to_string()),
            Ok("zvt+tcp:h:1".into())
        );
    }
}
