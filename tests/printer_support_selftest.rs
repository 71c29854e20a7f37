//! Tests of the printer test support itself, on byte sequences written by hand from the
//! ESC/POS command reference.

mod printer_support;

use printer_support::escpos::{self, Align, QrLevel, QrSymbol, Token, decode, render};
use printer_support::fake::{self, Behaviour, FakePrinter};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const FS: u8 = 0x1C;
const DLE: u8 = 0x10;
const EOT: u8 = 0x04;
const LF: u8 = 0x0A;

/// 合计 in GBK.
const HEJI_GBK: [u8; 4] = [0xBA, 0xCF, 0xBC, 0xC6];

fn text(s: &str) -> Token {
    Token::Text(s.into())
}

#[test]
fn init_alignment_bold_and_size() {
    let bytes = [
        &[ESC, b'@'][..],
        &[ESC, b'a', 1],
        &[ESC, b'a', b'2'],
        &[ESC, b'a', 0],
        &[ESC, b'E', 1],
        &[ESC, b'E', 0],
        &[GS, b'!', 0x11],
        &[GS, b'!', 0x00],
        &[GS, b'!', 0x70],
    ]
    .concat();
    assert_eq!(
        decode(&bytes).unwrap(),
        vec![
            Token::Init,
            Token::Align(Align::Center),
            Token::Align(Align::Right),
            Token::Align(Align::Left),
            Token::Bold(true),
            Token::Bold(false),
            Token::Size { width: 2, height: 2 },
            Token::Size { width: 1, height: 1 },
            Token::Size { width: 8, height: 1 },
        ]
    );
    assert!(decode(&[GS, b'!', 0x80]).unwrap_err().contains("offset 0"));
    assert!(decode(&[ESC, b'a', 3]).unwrap_err().contains("alignment"));
}

#[test]
fn gbk_text_in_chinese_mode() {
    let bytes = [&[FS, b'&'][..], b"Sum ", &HEJI_GBK, &[LF, FS, b'.']].concat();
    assert_eq!(
        decode(&bytes).unwrap(),
        vec![
            Token::ChineseMode(true),
            text("Sum 合计"),
            Token::Newline,
            Token::ChineseMode(false)
        ]
    );
    // Four-byte GB18030 (U+1F600) and an unmapped-but-well-formed pair.
    let bytes = [&[FS, b'&'][..], &[0x94, 0x39, 0xFC, 0x36]].concat();
    assert_eq!(decode(&bytes).unwrap()[1], text("😀"));
    // Outside Chinese mode the same bytes are PC437 characters.
    assert_eq!(decode(&HEJI_GBK).unwrap(), vec![text("║╧╝╞")]);
    // A lead byte cut off by the end of the data or by a control byte is an error.
    let err = decode(&[FS, b'&', 0xBA]).unwrap_err();
    assert!(err.contains("offset 2") && err.contains("truncated"), "{err}");
    assert!(decode(&[FS, b'&', 0xBA, LF]).unwrap_err().contains("offset 2"));
}

#[test]
fn esc_init_keeps_chinese_mode_but_resets_code_page() {
    let bytes = [
        &[FS, b'&', ESC, b'@'][..],
        &HEJI_GBK,
        &[FS, b'.', ESC, b't', 16, ESC, b'@', 0x9C],
    ]
    .concat();
    let tokens = decode(&bytes).unwrap();
    assert_eq!(tokens[2], text("合计"));
    // After ESC @ the page is PC437 again: 0x9C is '£' (in WPC1252 it would be 'œ').
    assert_eq!(tokens.last(), Some(&text("£")));
    // A printer that powers on in Chinese mode.
    assert_eq!(escpos::decode_with(&HEJI_GBK, true).unwrap(), vec![text("合计")]);
}

#[test]
fn code_pages() {
    let bytes = [ESC, b't', 16, b'5', 0x80, LF, ESC, b't', 19, 0xD5, ESC, b't', 0, 0xD5];
    assert_eq!(
        decode(&bytes).unwrap(),
        vec![
            Token::CodePage(16),
            text("5€"),
            Token::Newline,
            Token::CodePage(19),
            text("€"),
            Token::CodePage(0),
            text("╒")
        ]
    );
    for b in 0x80..=0xFF {
        assert_ne!(escpos::single_byte(0, b), '\u{fffd}', "PC437 {b:02X}");
        assert_ne!(escpos::single_byte(2, b), '\u{fffd}', "PC850 {b:02X}");
        assert_ne!(escpos::single_byte(19, b), '\u{fffd}', "PC858 {b:02X}");
        let undefined = matches!(b, 0x81 | 0x8D | 0x8F | 0x90 | 0x9D);
        assert_eq!(escpos::single_byte(16, b) == '\u{fffd}', undefined, "WPC1252 {b:02X}");
    }
    assert_eq!(escpos::single_byte(0, 0xE1), 'ß');
    assert_eq!(escpos::single_byte(0, 0xFF), '\u{a0}');
    assert_eq!(escpos::single_byte(2, 0xD5), 'ı');
    assert_eq!(escpos::single_byte(16, 0x9F), 'Ÿ');
    assert_eq!(escpos::single_byte(16, 0xE9), 'é');
    assert_eq!(escpos::single_byte(17, 0xE9), '\u{fffd}');
}

#[test]
fn qr_model_2_size_6_level_m() {
    let url = b"https://example.com/r/42";
    let mut store = vec![GS, b'(', b'k', (url.len() + 3) as u8, 0, 49, 80, 48];
    store.extend_from_slice(url);
    let bytes = [
        &[GS, b'(', b'k', 4, 0, 49, 65, 50, 0][..],
        &[GS, b'(', b'k', 3, 0, 49, 67, 6],
        &[GS, b'(', b'k', 3, 0, 49, 69, 49],
        &store,
        &[GS, b'(', b'k', 3, 0, 49, 81, 48],
    ]
    .concat();
    let tokens = decode(&bytes).unwrap();
    assert_eq!(tokens.len(), 5);
    assert!(matches!(&tokens[0], Token::Other { name, params } if name == "GS ( k" && params[..2] == [4, 0]));
    let symbol = QrSymbol {
        data: url.to_vec(),
        model: 2,
        size: 6,
        level: QrLevel::M,
    };
    assert_eq!(tokens[4], Token::Qr(symbol.clone()));
    assert_eq!(render(&tokens).qr, vec![symbol]);
    // Printing with nothing stored, and stored data without a print.
    assert!(
        decode(&[GS, b'(', b'k', 3, 0, 49, 81, 48])
            .unwrap_err()
            .contains("no stored data")
    );
    assert!(render(&decode(&store).unwrap()).qr.is_empty());
}

#[test]
fn truncated_and_unknown_commands_are_errors() {
    let err = decode(&[GS, b'(', b'k', 3, 0, 49, 67]).unwrap_err();
    assert!(err.contains("offset 0") && err.contains("truncated GS ( k"), "{err}");
    let err = decode(&[b'A', b'B', GS, b'(', b'k', 4]).unwrap_err();
    assert!(err.contains("offset 2") && err.contains("truncated"), "{err}");
    assert!(decode(&[ESC]).unwrap_err().contains("truncated ESC"));
    let err = decode(&[b'x', ESC, 0x07, 1]).unwrap_err();
    assert!(
        err.contains("offset 1") && err.contains("unknown command ESC 0x07") && err.contains("1B 07"),
        "{err}"
    );
    assert!(decode(&[GS, b'V', 2]).unwrap_err().contains("cut mode"));
    assert!(decode(&[0x00]).unwrap_err().contains("control byte 0x00"));
    assert!(decode(&[DLE, EOT, 9]).unwrap_err().contains("DLE EOT 9"));
    assert!(
        decode(&[GS, b'k', 73, 10, b'{', b'B'])
            .unwrap_err()
            .contains("truncated GS k")
    );
    assert!(decode(&[GS, b'k', 4, b'1', b'2']).unwrap_err().contains("NUL"));
}

#[test]
fn barcodes_drawer_cut_status() {
    let bytes = [
        &[GS, b'k', 73, 10][..],
        b"{BABC12345",
        &[GS, b'k', 4],
        b"*123*\0",
        &[ESC, b'p', 0, 25, 250],
        &[ESC, b'p', b'1', 50, 50],
        &[GS, b'V', 66, 0],
        &[GS, b'V', 48],
        &[GS, b'V', 1],
        &[GS, b'V', 65, 3],
        &[DLE, EOT, 4],
        &[DLE, EOT, 1],
    ]
    .concat();
    let tokens = decode(&bytes).unwrap();
    assert_eq!(
        tokens,
        vec![
            Token::Barcode {
                system: 73,
                data: b"{BABC12345".to_vec()
            },
            Token::Barcode {
                system: 4,
                data: b"*123*".to_vec()
            },
            Token::DrawerKick {
                pin: 2,
                on_ms: 50,
                off_ms: 500
            },
            Token::DrawerKick {
                pin: 5,
                on_ms: 100,
                off_ms: 100
            },
            Token::Cut { partial: true },
            Token::Cut { partial: false },
            Token::Cut { partial: true },
            Token::Cut { partial: false },
            Token::StatusRequest(4),
            Token::StatusRequest(1),
        ]
    );
    let page = render(&tokens);
    assert_eq!(page.barcodes[0], (73, b"{BABC12345".to_vec()));
    assert_eq!((page.cuts, page.drawer_kicks), (4, 2));
    assert_eq!(page.status_requests, vec![4, 1]);
}

#[test]
fn other_commands_keep_their_parameters() {
    let bytes = [
        &[
            ESC, b'!', 0x38, ESC, b'-', 1, ESC, b'M', 1, GS, b'B', 1, GS, b'h', 80, GS, b'w', 2, GS, b'H', 2,
        ][..],
        &[
            GS, b'L', 10, 0, ESC, b'3', 30, ESC, b'2', ESC, b'd', 4, ESC, b'J', 24, GS, b'v', b'0', 0, 1, 0, 2, 0,
            0xFF, 0xFF,
        ],
        &[ESC, b'D', 8, 16, 0, 0x0D, 0x09],
    ]
    .concat();
    let tokens = decode(&bytes).unwrap();
    let other = |name: &str, params: &[u8]| Token::Other {
        name: name.into(),
        params: params.to_vec(),
    };
    assert_eq!(
        tokens,
        vec![
            other("ESC !", &[0x38]),
            other("ESC -", &[1]),
            other("ESC M", &[1]),
            other("GS B", &[1]),
            other("GS h", &[80]),
            other("GS w", &[2]),
            other("GS H", &[2]),
            other("GS L", &[10, 0]),
            Token::LineSpacing(Some(30)),
            Token::LineSpacing(None),
            Token::Feed(4),
            other("ESC J", &[24]),
            other("GS v 0", &[0, 1, 0, 2, 0, 0xFF, 0xFF]),
            other("ESC D", &[8, 16]),
            other("HT", &[]),
        ]
    );
}

#[test]
fn render_a_receipt() {
    let bytes = [
        &[ESC, b'@', ESC, b'a', 1, GS, b'!', 0x11][..],
        b"SHOP\r\n",
        &[GS, b'!', 0, ESC, b'a', 0, ESC, b'E', 1],
        b"Total",
        &[ESC, b'E', 0],
        b" 12.50\n",
        &[FS, b'&'],
        &HEJI_GBK,
        &[LF, FS, b'.', ESC, b't', 16, 0x80, b'5', LF, ESC, b'!', 0x30, b'X', LF],
        &[ESC, b'd', 2, GS, b'V', 66, 0],
        b"left over",
    ]
    .concat();
    let page = escpos::page(&bytes).unwrap();
    assert_eq!(page.text(), "SHOP\nTotal 12.50\n合计\n€5\nX\n\n");
    let shop = page.find("SHOP").unwrap();
    assert_eq!((shop.align, shop.bold, shop.size), (Align::Center, false, (2, 2)));
    let total = page.find("Total").unwrap();
    assert_eq!((total.align, total.bold, total.size), (Align::Left, true, (1, 1)));
    assert_eq!(page.find("X").unwrap().size, (2, 2));
    assert_eq!(page.cuts, 1);
    assert_eq!(page.pending.as_ref().map(|l| l.text.as_str()), Some("left over"));
    assert!(page.problems.is_empty(), "{:?}", page.problems);
    assert!(page.find("missing").is_none());
}

#[test]
fn render_reports_commands_a_printer_ignores_mid_line() {
    let bytes = [
        &b"Total"[..],
        &[ESC, b'a', 2, GS, b'V', 0, LF, b'x', ESC, b'@', GS, b'V', 1],
    ]
    .concat();
    let page = escpos::page(&bytes).unwrap();
    assert_eq!(page.lines.len(), 1);
    assert_eq!(page.lines[0].align, Align::Left);
    assert_eq!(page.cuts, 1);
    assert_eq!(page.problems.len(), 3, "{:?}", page.problems);
}

fn status(stream: &mut TcpStream, n: u8) -> u8 {
    stream.write_all(&[DLE, EOT, n]).unwrap();
    let mut answer = [0u8];
    stream.read_exact(&mut answer).unwrap();
    answer[0]
}

#[test]
fn fake_tcp_printer_answers_status_and_records_bytes() {
    let printer = FakePrinter::start_tcp(Behaviour::Normal);
    assert_eq!(printer.spec(), format!("tcp:127.0.0.1:{}", printer.addr().port()));
    let mut stream = fake::connect(&printer);
    // A DLE EOT split across writes is still answered.
    stream.write_all(&[ESC, b'@', DLE]).unwrap();
    assert!(printer.wait_for_len(3, Duration::from_secs(5)));
    stream.write_all(&[EOT, 1]).unwrap();
    let mut answer = [0u8];
    stream.read_exact(&mut answer).unwrap();
    assert_eq!(answer[0], 0x12);
    for n in 2..=4 {
        assert_eq!(status(&mut stream, n), 0x12);
    }
    stream.write_all(b"hello\n").unwrap();
    // Each connection has its own reader thread: let the first finish before the second.
    assert!(printer.wait_for(|b| b.ends_with(b"hello\n"), Duration::from_secs(5)));
    drop(stream);
    // A second connection (a retry) is accepted and recorded after the first.
    let mut again = fake::connect(&printer);
    again.write_all(b"again\n").unwrap();
    assert!(printer.wait_for(|b| b.ends_with(b"again\n"), Duration::from_secs(5)));
    assert_eq!(printer.connections(), 2);
    assert_eq!(printer.page().unwrap().text(), "hello\nagain");
}

#[test]
fn fake_paper_out_and_cover_open_answers() {
    let printer = FakePrinter::start_tcp(Behaviour::PaperOut);
    let mut stream = fake::connect(&printer);
    assert_eq!(status(&mut stream, 1), 0x1A);
    assert_eq!(status(&mut stream, 2), 0x32);
    assert_eq!(status(&mut stream, 3), 0x12);
    assert_eq!(status(&mut stream, 4), 0x72);
    stream.write_all(b"kept\n").unwrap();
    assert!(printer.wait_for(|b| b.ends_with(b"kept\n"), Duration::from_secs(5)));
    printer.set_behaviour(Behaviour::CoverOpen);
    assert_eq!(status(&mut stream, 2), 0x16);
    assert_eq!(status(&mut stream, 4), 0x12);
    printer.set_behaviour(Behaviour::Normal);
    assert_eq!(status(&mut stream, 4), 0x12);
}

#[test]
fn fake_silent_printer_never_answers() {
    let printer = FakePrinter::start_tcp(Behaviour::Silent);
    let mut stream = fake::connect(&printer);
    stream.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    stream.write_all(&[DLE, EOT, 1]).unwrap();
    let err = stream.read(&mut [0u8]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    assert_eq!(printer.received(), vec![DLE, EOT, 1]);
}

#[test]
fn fake_printer_that_stops_reading_stalls_a_big_write() {
    let printer = FakePrinter::start_tcp(Behaviour::StopsReadingAfter(1000));
    let mut stream = fake::connect(&printer);
    stream.set_write_timeout(Some(Duration::from_millis(200))).unwrap();
    let started = Instant::now();
    let err = stream.write_all(&vec![b'A'; 16 << 20]).unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(printer.wait_for_len(1000, Duration::from_secs(5)));
    assert_eq!(printer.received().len(), 1000);
}

#[test]
fn fake_printer_refusing_connections() {
    let printer = FakePrinter::start_tcp(Behaviour::RefusesConnections);
    let err = TcpStream::connect(printer.addr()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    // The printer comes back on the same port, then goes away again.
    printer.set_behaviour(Behaviour::Normal);
    let mut stream = fake::connect(&printer);
    assert_eq!(status(&mut stream, 1), 0x12);
    printer.set_behaviour(Behaviour::RefusesConnections);
    let err = TcpStream::connect(printer.addr()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[cfg(unix)]
#[test]
fn fake_pty_printer() {
    use serialport::SerialPort as _;
    let (printer, mut port) = FakePrinter::start_pty(Behaviour::PaperOut);
    assert!(printer.spec().starts_with("serial:/"), "{}", printer.spec());
    port.set_timeout(Duration::from_secs(2)).unwrap();
    port.write_all(&[ESC, b'@', DLE, EOT, 4]).unwrap();
    let mut answer = [0u8];
    port.read_exact(&mut answer).unwrap();
    assert_eq!(answer[0], 0x72);
    assert!(printer.wait_for_len(5, Duration::from_secs(5)));
    assert_eq!(printer.received(), vec![ESC, b'@', DLE, EOT, 4]);
}
