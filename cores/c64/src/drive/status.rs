//! The DOS status: the error code, message, track and sector that channel 15 reads back
//! as `nn,MESSAGE,tt,ss`, with the codes and messages of the 1541.

/// The drive's answer on power-on and after `UI`/`UJ`: code 73 with the DOS banner.
pub const BANNER: &str = "HEIRLOOM DOS 1.0 1541";

/// A DOS status: what the last command or file operation left on the error channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DosStatus {
    /// The error code (0 = OK, 1 = files scratched, 20–29 disk errors, 30–34 syntax, …).
    pub code: u8,
    /// The track number reported with it (for `01` the count of files scratched).
    pub track: u8,
    /// The sector number reported with it.
    pub sector: u8,
}

impl DosStatus {
    /// `00, OK,00,00`.
    pub const OK: Self = Self::new(0);
    /// `73,<banner>,00,00`: the drive was switched on or reset.
    pub const POWER_ON: Self = Self::new(73);

    /// A status with track and sector 0.
    pub const fn new(code: u8) -> Self {
        Self {
            code,
            track: 0,
            sector: 0,
        }
    }

    /// A status about a track and sector.
    pub const fn at(code: u8, track: u8, sector: u8) -> Self {
        Self {
            code,
            track,
            sector,
        }
    }

    /// The 1541's message for the code.
    pub fn message(self) -> &'static str {
        match self.code {
            0 => " OK",
            1 => " FILES SCRATCHED",
            20..=24 | 27 => "READ ERROR",
            25 | 28 => "WRITE ERROR",
            26 => "WRITE PROTECT ON",
            29 => "DISK ID MISMATCH",
            30..=34 | 39 => "SYNTAX ERROR",
            60 => "WRITE FILE OPEN",
            61 => "FILE NOT OPEN",
            62 => "FILE NOT FOUND",
            63 => "FILE EXISTS",
            64 => "FILE TYPE MISMATCH",
            65 => "NO BLOCK",
            66 => "ILLEGAL TRACK AND SECTOR",
            67 => "ILLEGAL SYSTEM T OR S",
            70 => "NO CHANNEL",
            71 => "DIR ERROR",
            72 => "DISK FULL",
            73 => BANNER,
            74 => "DRIVE NOT READY",
            _ => "UNKNOWN ERROR",
        }
    }

    /// The line channel 15 sends, as ASCII (which PETSCII shares for these characters),
    /// without the closing carriage return: `62,FILE NOT FOUND,00,00`.
    pub fn text(self) -> String {
        format!(
            "{:02},{},{:02},{:02}",
            self.code,
            self.message(),
            self.track,
            self.sector
        )
    }

    /// True for the codes that report success (00 and 01).
    pub fn is_ok(self) -> bool {
        self.code < 20
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines_read_as_on_a_1541() {
        assert_eq!(DosStatus::OK.text(), "00, OK,00,00");
        assert_eq!(DosStatus::new(62).text(), "62,FILE NOT FOUND,00,00");
        assert_eq!(DosStatus::at(1, 3, 0).text(), "01, FILES SCRATCHED,03,00");
        assert_eq!(
            DosStatus::at(66, 40, 2).text(),
            "66,ILLEGAL TRACK AND SECTOR,40,02"
        );
        assert_eq!(DosStatus::POWER_ON.text(), format!("73,{BANNER},00,00"));
    }
}
