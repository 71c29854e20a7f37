//! How to reach a receipt printer, as written in the config file or on the command line:
//! `serial:/dev/ttyUSB0@19200`, `serial:COM3`, `tcp:192.168.1.50`, `tcp:[fe80::1]:9100`,
//! `usb:0416:5011`, `device:/dev/usb/lp0`, `device:\\shop-pc\receipt`, `file:/tmp/receipts.bin`.

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

pub const DEFAULT_BAUD: u32 = 9600;
/// The raw printing port of network printers ("JetDirect"), which ESC/POS interfaces use.
pub const DEFAULT_TCP_PORT: u16 = 9100;

const FORMS: &str = "use serial:PATH[@BAUD], tcp:HOST[:PORT], usb:VID:PID, device:PATH or file:PATH";
const USB_EXAMPLE: &str = "e.g. usb:0416:5011; lsusb or the device's hardware ids show them";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterSpec {
    /// An RS-232 or USB-serial port.
    Serial { path: String, baud: u32 },
    /// A network printer's raw port. `host` is a name or an address, IPv6 without brackets.
    Tcp { host: String, port: u16 },
    /// A USB printer claimed directly by vendor and product id (needs the `usb` build feature
    /// to open; the spec parses in every build so configs and messages stay the same).
    Usb { vendor: u16, product: u16 },
    /// A printer device file (/dev/usb/lp0) or a Windows printer share (\\host\printer).
    Device { path: String },
    /// Appends the raw ESC/POS bytes to a file (tests, a printer that is not there yet).
    File { path: String },
}

impl PrinterSpec {
    pub fn parse(s: &str) -> Result<PrinterSpec, String> {
        let text = s.trim();
        if text.is_empty() {
            return Err(format!("no printer given ({FORMS})"));
        }
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(format!("'{text}' is not a printer ({FORMS})"));
        };
        let rest = rest.trim();
        match kind.to_ascii_lowercase().as_str() {
            "serial" => parse_serial(rest),
            "tcp" => parse_tcp(rest),
            "usb" => parse_usb(rest),
            "device" => Ok(PrinterSpec::Device {
                path: non_empty(rest, "device", r"device:/dev/usb/lp0 or device:\\host\printer")?,
            }),
            "file" => Ok(PrinterSpec::File {
                path: non_empty(rest, "file", "file:/tmp/receipts.bin")?,
            }),
            _ => Err(format!("unknown printer kind '{kind}' ({FORMS})")),
        }
    }

    /// Whether the printer can answer status requests over this link (serial, TCP and USB can).
    pub fn two_way(&self) -> bool {
        matches!(
            self,
            PrinterSpec::Serial { .. } | PrinterSpec::Tcp { .. } | PrinterSpec::Usb { .. }
        )
    }
}

fn non_empty(path: &str, kind: &str, example: &str) -> Result<String, String> {
    if path.is_empty() {
        Err(format!("{kind}: no path given (e.g. {example})"))
    } else {
        Ok(path.to_string())
    }
}

fn parse_serial(rest: &str) -> Result<PrinterSpec, String> {
    let (path, baud) = match rest.rsplit_once('@') {
        Some((path, baud)) => {
            let baud = baud.trim();
            let value: u32 = baud.parse().map_err(|_| format!("baud '{baud}' is not a number"))?;
            if value == 0 {
                return Err("baud 0 is not a baud rate (common: 9600, 19200, 38400, 115200)".to_string());
            }
            (path.trim(), value)
        }
        None => (rest, DEFAULT_BAUD),
    };
    let path = non_empty(path, "serial", "serial:/dev/ttyUSB0@9600 or serial:COM3")?;
    Ok(PrinterSpec::Serial { path, baud })
}

fn parse_tcp(rest: &str) -> Result<PrinterSpec, String> {
    let (host, port) = if let Some(bracketed) = rest.strip_prefix('[') {
        let Some((addr, after)) = bracketed.split_once(']') else {
            return Err(format!("tcp: '[' without ']' in '{rest}' (e.g. tcp:[::1]:9100)"));
        };
        if addr.parse::<Ipv6Addr>().is_err() {
            return Err(format!("tcp: '{addr}' is not an IPv6 address"));
        }
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(port) => Some(port),
                None => return Err(format!("tcp: expected ':PORT' after ']', found '{after}'")),
            },
        };
        (addr, port)
    } else {
        match rest.split_once(':') {
            None => (rest, None),
            Some((host, port)) if !port.contains(':') => (host, Some(port)),
            // "::1:9100" is itself a valid IPv6 address, so only brackets make the port clear.
            Some(_) => {
                return Err(format!(
                    "tcp: write an IPv6 address in brackets, e.g. tcp:[{rest}]:9100"
                ));
            }
        }
    };
    if host.is_empty() {
        return Err("tcp: no host given (e.g. tcp:192.168.1.50 or tcp:printer.local:9100)".to_string());
    }
    if !host.contains(':') && !host.chars().all(|c| c.is_alphanumeric() || "-._".contains(c)) {
        return Err(format!("tcp: '{host}' is not a host name or address"));
    }
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(p) => match p.parse::<u16>() {
            Ok(port) if port > 0 => port,
            _ => return Err(format!("tcp: port '{p}' is not a number from 1 to 65535")),
        },
    };
    Ok(PrinterSpec::Tcp {
        host: host.to_string(),
        port,
    })
}

/// `VID:PID`, each 1 to 4 hex digits with an optional `0x`.
fn parse_usb(rest: &str) -> Result<PrinterSpec, String> {
    let Some((vendor, product)) = rest.split_once(':') else {
        return Err(format!(
            "usb: give the printer's vendor and product id in hex as usb:VID:PID ({USB_EXAMPLE})"
        ));
    };
    Ok(PrinterSpec::Usb {
        vendor: usb_id(vendor, "vendor")?,
        product: usb_id(product, "product")?,
    })
}

fn usb_id(text: &str, which: &str) -> Result<u16, String> {
    let text = text.trim();
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .unwrap_or(text);
    let valid = (1..=4).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_hexdigit());
    match u16::from_str_radix(digits, 16) {
        Ok(id) if valid => Ok(id),
        _ if text.is_empty() => Err(format!("usb: no {which} id given ({USB_EXAMPLE})")),
        _ => Err(format!(
            "usb: {which} id '{text}' is not a hex number of up to 4 digits ({USB_EXAMPLE})"
        )),
    }
}

impl FromStr for PrinterSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PrinterSpec::parse(s)
    }
}

impl fmt::Display for PrinterSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterSpec::Serial { path, baud } => write!(f, "serial:{path}@{baud}"),
            PrinterSpec::Tcp { host, port } if host.contains(':') => write!(f, "tcp:[{host}]:{port}"),
            PrinterSpec::Tcp { host, port } => write!(f, "tcp:{host}:{port}"),
            PrinterSpec::Usb { vendor, product } => write!(f, "usb:{vendor:04x}:{product:04x}"),
            PrinterSpec::Device { path } => write!(f, "device:{path}"),
            PrinterSpec::File { path } => write!(f, "file:{path}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial(path: &str, baud: u32) -> PrinterSpec {
        PrinterSpec::Serial {
            path: path.into(),
            baud,
        }
    }

    fn tcp(host: &str, port: u16) -> PrinterSpec {
        PrinterSpec::Tcp {
            host: host.into(),
            port,
        }
    }

    #[test]
    fn serial_forms() {
        assert_eq!(
            PrinterSpec::parse("serial:/dev/ttyUSB0@19200"),
            Ok(serial("/dev/ttyUSB0", 19200))
        );
        assert_eq!(PrinterSpec::parse("serial:COM3"), Ok(serial("COM3", 9600)));
        assert_eq!(PrinterSpec::parse("  SERIAL:COM3@115200 "), Ok(serial("COM3", 115200)));
        assert_eq!(PrinterSpec::parse("serial:a@b@4800"), Ok(serial("a@b", 4800)));
    }

    #[test]
    fn windows_com_ports_are_kept_as_written() {
        // The serial library opens `COMn` as `\\.\COMn` itself, which COM10 and above need;
        // a name already in that form goes through unchanged.
        assert_eq!(PrinterSpec::parse("serial:COM10"), Ok(serial("COM10", 9600)));
        assert_eq!(PrinterSpec::parse(r"serial:\\.\COM10"), Ok(serial(r"\\.\COM10", 9600)));
        assert_eq!(
            PrinterSpec::parse(r"serial:\\.\COM10@38400"),
            Ok(serial(r"\\.\COM10", 38400))
        );
        let spec = PrinterSpec::parse(r"serial:\\.\COM10@38400").unwrap();
        assert_eq!(spec.to_string(), r"serial:\\.\COM10@38400");
        assert_eq!(PrinterSpec::parse(&spec.to_string()), Ok(spec));
    }

    #[test]
    fn tcp_forms() {
        assert_eq!(PrinterSpec::parse("tcp:192.168.1.50"), Ok(tcp("192.168.1.50", 9100)));
        assert_eq!(
            PrinterSpec::parse("tcp:printer.local:9101"),
            Ok(tcp("printer.local", 9101))
        );
        assert_eq!(PrinterSpec::parse("tcp:[::1]:9100"), Ok(tcp("::1", 9100)));
        assert_eq!(PrinterSpec::parse("tcp:[fe80::1]"), Ok(tcp("fe80::1", 9100)));
    }

    fn usb(vendor: u16, product: u16) -> PrinterSpec {
        PrinterSpec::Usb { vendor, product }
    }

    #[test]
    fn usb_forms() {
        assert_eq!(PrinterSpec::parse("usb:0416:5011"), Ok(usb(0x0416, 0x5011)));
        assert_eq!(PrinterSpec::parse("USB:04B8:0E15"), Ok(usb(0x04b8, 0x0e15)));
        assert_eq!(PrinterSpec::parse("usb:0x04b8:0X0e15"), Ok(usb(0x04b8, 0x0e15)));
        assert_eq!(PrinterSpec::parse(" usb: 416 : 5011 "), Ok(usb(0x0416, 0x5011)));
        assert_eq!(PrinterSpec::parse("usb:ffff:0"), Ok(usb(0xffff, 0)));
    }

    #[test]
    fn usb_mistakes_are_named() {
        let err = |s: &str| PrinterSpec::parse(s).unwrap_err();
        assert_eq!(
            err("usb:0416"),
            "usb: give the printer's vendor and product id in hex as usb:VID:PID \
             (e.g. usb:0416:5011; lsusb or the device's hardware ids show them)"
        );
        assert!(err("usb:").contains("usb:VID:PID"));
        assert!(err("usb::5011").contains("no vendor id"));
        assert!(err("usb:0416:").contains("no product id"));
        assert!(err("usb:0x:5011").contains("vendor id '0x' is not a hex number"));
        assert!(err("usb:0416:50111").contains("product id '50111'"));
        assert!(err("usb:0416:+501").contains("product id '+501'"));
        assert!(err("usb:04g6:5011").contains("vendor id '04g6'"));
        assert!(err("usb:0416:5011:2").contains("product id '5011:2'"));
        assert!(err("usb:/dev/usb/lp0").contains("usb:VID:PID"));
        for e in ["usb:", "usb:1:x", "usb:x:1"] {
            assert!(!err(e).contains('\n'));
        }
    }

    #[test]
    fn device_and_file_forms() {
        assert_eq!(
            PrinterSpec::parse("device:/dev/usb/lp0"),
            Ok(PrinterSpec::Device {
                path: "/dev/usb/lp0".into()
            })
        );
        assert_eq!(
            PrinterSpec::parse(r"device:\\shop-pc\receipt"),
            Ok(PrinterSpec::Device {
                path: r"\\shop-pc\receipt".into()
            })
        );
        assert_eq!(
            PrinterSpec::parse(r"file:C:\till\out.bin"),
            Ok(PrinterSpec::File {
                path: r"C:\till\out.bin".into()
            })
        );
    }

    #[test]
    fn mistakes_are_named() {
        let err = |s: &str| PrinterSpec::parse(s).unwrap_err();
        assert_eq!(err("serial:/dev/ttyS0@abc"), "baud 'abc' is not a number");
        assert_eq!(
            err("usb2:/dev/x"),
            "unknown printer kind 'usb2' (use serial:PATH[@BAUD], tcp:HOST[:PORT], usb:VID:PID, device:PATH or file:PATH)"
        );
        assert!(err("serial:@9600").contains("no path"));
        assert!(err("serial:COM1@0").contains("baud 0"));
        assert!(err("tcp:").contains("no host"));
        assert!(err("tcp::9100").contains("no host"));
        assert!(err("tcp:host:abc").contains("port 'abc'"));
        assert!(err("tcp:host:0").contains("port '0'"));
        assert!(err("tcp:host:70000").contains("port '70000'"));
        assert!(err("tcp:::1:9100").contains("brackets"));
        assert!(err("tcp:[::1").contains("']'"));
        assert!(err("tcp:[nope]:9100").contains("not an IPv6"));
        assert!(err("tcp:[::1]9100").contains(":PORT"));
        assert!(err("tcp:my host").contains("not a host name"));
        assert!(err("device:").contains("no path"));
        assert!(err("file:  ").contains("no path"));
        assert!(err("").contains("no printer"));
        assert!(err("/dev/usb/lp0").contains("is not a printer"));
        for e in ["serial:@9600", "tcp:host:abc", "usb2:x", ""] {
            assert!(!err(e).contains('\n'));
        }
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "serial:/dev/ttyUSB0@19200",
            "serial:COM3@9600",
            "tcp:10.0.0.9:9100",
            "tcp:[::1]:9100",
            "tcp:printer.local:9101",
            "usb:0416:5011",
            "usb:04b8:0e15",
            "device:/dev/usb/lp0",
            r"device:\\host\printer",
            "file:/tmp/a b.bin",
        ] {
            let spec = PrinterSpec::parse(text).unwrap();
            assert_eq!(spec.to_string(), text);
            assert_eq!(PrinterSpec::parse(&spec.to_string()), Ok(spec));
        }
        // Defaults are written out.
        assert_eq!(
            PrinterSpec::parse("serial:COM3").unwrap().to_string(),
            "serial:COM3@9600"
        );
        assert_eq!(PrinterSpec::parse("tcp:[::1]").unwrap().to_string(), "tcp:[::1]:9100");
        assert_eq!("tcp:h".parse::<PrinterSpec>(), Ok(tcp("h", 9100)));
        // USB ids are written as 4 lowercase hex digits, without 0x.
        assert_eq!(
            PrinterSpec::parse("USB:0x4B8:E15").unwrap().to_string(),
            "usb:04b8:0e15"
        );
    }

    #[test]
    fn only_serial_tcp_and_usb_are_two_way() {
        assert!(serial("COM3", 9600).two_way());
        assert!(tcp("h", 9100).two_way());
        assert!(usb(0x0416, 0x5011).two_way());
        assert!(!PrinterSpec::Device { path: "x".into() }.two_way());
        assert!(!PrinterSpec::File { path: "x".into() }.two_way());
    }
}
