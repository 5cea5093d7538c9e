//! RGB palettes for the 16 VIC-II colours.
//!
//! The output buffer holds colour indexes 0–15; a machine converts them with one of these
//! tables once per frame.
//!
//! Pepto's PAL palette ("Pepto", as measured by Philip Timmermann, the VICE default
//! `pepto-pal`):
//!
//! | index | name | RGB |
//! |---|---|---|
//! | 0 | black | `#000000` |
//! | 1 | white | `#FFFFFF` |
//! | 2 | red | `#68372B` |
//! | 3 | cyan | `#70A4B2` |
//! | 4 | purple | `#6F3D86` |
//! | 5 | green | `#588D43` |
//! | 6 | blue | `#352879` |
//! | 7 | yellow | `#B8C76F` |
//! | 8 | orange | `#6F4F25` |
//! | 9 | brown | `#433900` |
//! | 10 | light red | `#9A6759` |
//! | 11 | dark grey | `#444444` |
//! | 12 | grey | `#6C6C6C` |
//! | 13 | light green | `#9AD284` |
//! | 14 | light blue | `#6C5EB5` |
//! | 15 | light grey | `#959595` |
//!
//! Colodore (Pepto's 2017 revision, VICE's `colodore`):
//!
//! | index | RGB | index | RGB |
//! |---|---|---|---|
//! | 0 | `#000000` | 8 | `#8E5029` |
//! | 1 | `#FFFFFF` | 9 | `#553800` |
//! | 2 | `#813338` | 10 | `#C46C71` |
//! | 3 | `#75CEC8` | 11 | `#4A4A4A` |
//! | 4 | `#8E3C97` | 12 | `#7B7B7B` |
//! | 5 | `#56AC4D` | 13 | `#A9FF9F` |
//! | 6 | `#2E2C9B` | 14 | `#706DEB` |
//! | 7 | `#EDF171` | 15 | `#B2B2B2` |

/// A choice of RGB values for the 16 colours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Palette {
    /// Pepto's PAL measurement (VICE's default).
    #[default]
    Pepto,
    /// Pepto's "Colodore" revision.
    Colodore,
}

const PEPTO: [[u8; 3]; 16] = [
    [0x00, 0x00, 0x00],
    [0xff, 0xff, 0xff],
    [0x68, 0x37, 0x2b],
    [0x70, 0xa4, 0xb2],
    [0x6f, 0x3d, 0x86],
    [0x58, 0x8d, 0x43],
    [0x35, 0x28, 0x79],
    [0xb8, 0xc7, 0x6f],
    [0x6f, 0x4f, 0x25],
    [0x43, 0x39, 0x00],
    [0x9a, 0x67, 0x59],
    [0x44, 0x44, 0x44],
    [0x6c, 0x6c, 0x6c],
    [0x9a, 0xd2, 0x84],
    [0x6c, 0x5e, 0xb5],
    [0x95, 0x95, 0x95],
];

const COLODORE: [[u8; 3]; 16] = [
    [0x00, 0x00, 0x00],
    [0xff, 0xff, 0xff],
    [0x81, 0x33, 0x38],
    [0x75, 0xce, 0xc8],
    [0x8e, 0x3c, 0x97],
    [0x56, 0xac, 0x4d],
    [0x2e, 0x2c, 0x9b],
    [0xed, 0xf1, 0x71],
    [0x8e, 0x50, 0x29],
    [0x55, 0x38, 0x00],
    [0xc4, 0x6c, 0x71],
    [0x4a, 0x4a, 0x4a],
    [0x7b, 0x7b, 0x7b],
    [0xa9, 0xff, 0x9f],
    [0x70, 0x6d, 0xeb],
    [0xb2, 0xb2, 0xb2],
];

impl Palette {
    /// The RGB triple of every colour index.
    pub const fn rgb(self) -> &'static [[u8; 3]; 16] {
        match self {
            Palette::Pepto => &PEPTO,
            Palette::Colodore => &COLODORE,
        }
    }

    /// The colour as `0x00RRGGBB`; only the low 4 bits of `index` count.
    pub const fn argb(self, index: u8) -> u32 {
        let [r, g, b] = self.rgb()[(index & 15) as usize];
        (r as u32) << 16 | (g as u32) << 8 | b as u32
    }

    /// Converts a buffer of colour indexes to RGBA bytes (4 per pixel, alpha 255).
    ///
    /// Converts `min(indexes.len(), rgba.len() / 4)` pixels.
    pub fn to_rgba(self, indexes: &[u8], rgba: &mut [u8]) {
        let table = self.rgb();
        for (&index, out) in indexes.iter().zip(rgba.chunks_exact_mut(4)) {
            let [r, g, b] = table[usize::from(index & 15)];
            out.copy_from_slice(&[r, g, b, 0xff]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pepto_values() {
        assert_eq!(Palette::Pepto.argb(6), 0x352879);
        assert_eq!(Palette::Pepto.argb(14), 0x6c5eb5);
        assert_eq!(Palette::Colodore.argb(14), 0x706deb);
        assert_eq!(Palette::default(), Palette::Pepto);
        let mut rgba = [0u8; 8];
        Palette::Pepto.to_rgba(&[1, 0x12], &mut rgba);
        assert_eq!(rgba, [0xff, 0xff, 0xff, 0xff, 0x68, 0x37, 0x2b, 0xff]);
    }
}
