//! The store logo as a printer raster (GS v 0): a PNG reduced to black and white dots,
//! scaled down to the paper's printable width.

use std::io::Cursor;

/// Printable dots per line: 58 mm paper (32 columns of 12 dots) and 80 mm (48 columns).
pub fn paper_dots(cols: usize) -> u32 {
    if cols > 32 { 576 } else { 384 }
}

/// A logo taller than this many dots is cut off (it would waste paper on every receipt).
const MAX_HEIGHT: u32 = 400;

/// Black and white dots, row by row, 8 to a byte, leftmost dot in the high bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raster {
    /// Bytes per row.
    pub width_bytes: u16,
    pub height: u16,
    pub bits: Vec<u8>,
}

impl Raster {
    /// GS v 0 0 xL xH yL yH d1...dk: print the raster at normal density.
    pub fn command(&self) -> Vec<u8> {
        let [xl, xh] = self.width_bytes.to_le_bytes();
        let [yl, yh] = self.height.to_le_bytes();
        let mut cmd = vec![0x1D, b'v', b'0', 0, xl, xh, yl, yh];
        cmd.extend_from_slice(&self.bits);
        cmd
    }
}

/// Decodes a PNG and reduces it to at most `max_dots` wide (never enlarged): dark pixels
/// print, light and transparent ones do not.
pub fn from_png(bytes: &[u8], max_dots: u32) -> Result<Raster, String> {
    let mut decoder = png::Decoder::new(Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| format!("not a readable PNG: {e}"))?;
    let size = reader.output_buffer_size().ok_or("the image is too large to decode")?;
    let mut buf = vec![0; size];
    let info = reader
        .next_frame(&mut buf)
        .map_err(|e| format!("not a readable PNG: {e}"))?;
    let channels = match info.color_type {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Err("indexed colours were not expanded".into()),
    };
    let (w, h) = (info.width, info.height);
    if w == 0 || h == 0 {
        return Err("the image is empty".into());
    }
    let line = info.line_size;
    // Luminance 0..=255 of the pixel at (x, y), composited on white paper.
    let light = |x: u32, y: u32| -> u32 {
        let at = y as usize * line + x as usize * channels;
        let px = &buf[at..at + channels];
        let (lum, alpha) = match px {
            [g] => (u32::from(*g), 255),
            [g, a] => (u32::from(*g), u32::from(*a)),
            [r, g, b] => (
                (299 * u32::from(*r) + 587 * u32::from(*g) + 114 * u32::from(*b)) / 1000,
                255,
            ),
            [r, g, b, a] => (
                (299 * u32::from(*r) + 587 * u32::from(*g) + 114 * u32::from(*b)) / 1000,
                u32::from(*a),
            ),
            _ => (255, 0),
        };
        (lum * alpha + 255 * (255 - alpha)) / 255
    };
    let out_w = w.min(max_dots.max(8));
    let out_h = ((u64::from(h) * u64::from(out_w) / u64::from(w)) as u32).clamp(1, MAX_HEIGHT);
    let width_bytes = out_w.div_ceil(8);
    let mut bits = vec![0u8; (width_bytes * out_h) as usize];
    for y in 0..out_h {
        // Nearest source pixel; the same scale both ways keeps the aspect ratio.
        let sy = (u64::from(y) * u64::from(w) / u64::from(out_w)).min(u64::from(h - 1)) as u32;
        for x in 0..out_w {
            let sx = (u64::from(x) * u64::from(w) / u64::from(out_w)).min(u64::from(w - 1)) as u32;
            if light(sx, sy) < 128 {
                bits[(y * width_bytes + x / 8) as usize] |= 0x80 >> (x % 8);
            }
        }
    }
    Ok(Raster {
        width_bytes: u16::try_from(width_bytes).map_err(|_| "the image is too wide")?,
        height: u16::try_from(out_h).map_err(|_| "the image is too tall")?,
        bits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of `w` x `h` grey pixels from `pixel(x, y)`.
    fn png(w: u32, h: u32, pixel: impl Fn(u32, u32) -> u8) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().expect("header");
        let data: Vec<u8> = (0..h)
            .flat_map(|y| (0..w).map(move |x| (x, y)))
            .map(|(x, y)| pixel(x, y))
            .collect();
        writer.write_image_data(&data).expect("data");
        drop(writer);
        out
    }

    #[test]
    fn dark_pixels_become_dots_high_bit_first() {
        // 10 x 2: the left column and the last pixel of the second row are black.
        let r = from_png(
            &png(10, 2, |x, y| if x == 0 || (x == 9 && y == 1) { 0 } else { 255 }),
            384,
        )
        .expect("png");
        assert_eq!((r.width_bytes, r.height), (2, 2));
        assert_eq!(r.bits, [0x80, 0x00, 0x80, 0x40]);
        assert_eq!(&r.command()[..8], &[0x1D, b'v', b'0', 0, 2, 0, 2, 0]);
    }

    #[test]
    fn wide_logos_shrink_to_the_paper_keeping_their_shape() {
        let r = from_png(&png(768, 100, |x, _| if x < 384 { 0 } else { 255 }), 384).expect("png");
        assert_eq!((r.width_bytes, r.height), (48, 50));
        // The left half is black, the right half white, on every row.
        assert!(
            r.bits
                .chunks(48)
                .all(|row| row[..24].iter().all(|b| *b == 0xFF) && row[24..].iter().all(|b| *b == 0))
        );
    }

    #[test]
    fn what_is_not_a_png_is_named() {
        assert!(from_png(b"GIF89a...", 384).expect_err("gif").contains("PNG"));
        assert!(from_png(&[], 384).is_err());
    }
}
