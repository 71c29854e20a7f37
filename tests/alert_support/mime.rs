//! Just enough of RFC 5322/2045/2047 to read back what a mail client sent: unfolded headers,
//! encoded-word subjects (B and Q) and a single-part body in 7bit, 8bit, quoted-printable or
//! base64. Strict: anything it does not understand is an error, so a test cannot pass on
//! text it failed to decode.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Header names and values in order, as written (names keep their case).
pub type Headers = Vec<(String, String)>;

/// The message's header lines (continuations unfolded) and its body, split at the first
/// empty line.
pub fn split(raw: &[u8]) -> Result<(Headers, Vec<u8>), String> {
    let text_end = find(raw, b"\r\n\r\n").ok_or("no empty line after the headers")?;
    let head = std::str::from_utf8(&raw[..text_end]).map_err(|_| "headers are not UTF-8")?;
    let body = raw[text_end + 4..].to_vec();
    let mut headers: Headers = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            let (_, value) = headers.last_mut().ok_or("continuation before any header")?;
            // Unfolding removes the CRLF only (RFC 5322 2.2.3).
            value.push_str(line);
        } else {
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| format!("bad header line {line:?}"))?;
            headers.push((name.to_string(), value.trim_start().to_string()));
        }
    }
    Ok((headers, body))
}

pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Decodes a header value's RFC 2047 encoded words (whitespace between two of them is dropped).
pub fn decode_words(value: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            out.push_str(rest);
            break;
        };
        let (plain, word) = rest.split_at(start);
        if !(after_word && plain.chars().all(char::is_whitespace)) {
            out.push_str(plain);
        }
        // =?charset?X?text?=
        let inner = &word[2..];
        let mut fields = inner.splitn(3, '?');
        let charset = fields.next().ok_or("encoded word without charset")?;
        let encoding = fields.next().ok_or("encoded word without encoding")?;
        let tail = fields.next().ok_or("encoded word without text")?;
        let end = tail.find("?=").ok_or("unterminated encoded word")?;
        let text = &tail[..end];
        if !charset.eq_ignore_ascii_case("utf-8") {
            return Err(format!("charset {charset} is not utf-8"));
        }
        let bytes = match encoding {
            "B" | "b" => STANDARD.decode(text).map_err(|e| format!("bad base64 word: {e}"))?,
            "Q" | "q" => quoted_printable(&text.replace('_', " "))?,
            other => return Err(format!("unknown encoding {other}")),
        };
        out.push_str(&String::from_utf8(bytes).map_err(|_| "encoded word is not UTF-8")?);
        rest = &tail[end + 2..];
        after_word = true;
    }
    Ok(out)
}

/// The body's text after its Content-Transfer-Encoding, with CRLF line ends made LF.
pub fn decode_body(headers: &[(String, String)], body: &[u8]) -> Result<String, String> {
    let encoding = header(headers, "Content-Transfer-Encoding")
        .unwrap_or("7bit")
        .trim()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "7bit" | "8bit" | "binary" => body.to_vec(),
        "base64" => {
            let compact: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
            STANDARD.decode(compact).map_err(|e| format!("bad base64 body: {e}"))?
        }
        "quoted-printable" => quoted_printable(std::str::from_utf8(body).map_err(|_| "QP body is not ASCII")?)?,
        other => return Err(format!("unknown transfer encoding {other}")),
    };
    let text = String::from_utf8(bytes).map_err(|_| "body is not UTF-8")?;
    Ok(text.replace("\r\n", "\n"))
}

/// Quoted-printable: `=XX` bytes and `=` soft line breaks.
pub fn quoted_printable(text: &str) -> Result<Vec<u8>, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'=' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        if bytes[i + 1..].starts_with(b"\r\n") {
            i += 3;
        } else if bytes[i + 1..].starts_with(b"\n") {
            i += 2;
        } else {
            let hex = bytes.get(i + 1..i + 3).ok_or("truncated =XX")?;
            let hex = std::str::from_utf8(hex).map_err(|_| "bad =XX")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| format!("bad ={hex}"))?);
            i += 3;
        }
    }
    Ok(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
