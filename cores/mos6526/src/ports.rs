//! The two 8-bit parallel ports.
//!
//! Each pin is an NMOS output: a data direction bit of 1 drives the port register's bit,
//! 0 leaves the pin to its pull-up, so the level the chip puts out is `PR | !DDR`. Outside
//! devices can only pull a pin low, so the level the chip reads back is that output ANDed
//! with what the machine reports on the pins.

/// One port's registers and the levels outside devices put on its pins.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Port {
    /// The port (output) register.
    pub(crate) pr: u8,
    /// The data direction register (1 = output).
    pub(crate) ddr: u8,
    /// The levels outside devices allow on the pins (1 = not pulled low).
    pub(crate) input: u8,
}

impl Port {
    /// The state after a reset: registers clear (all inputs), nothing pulling the pins.
    pub(crate) fn new() -> Self {
        Self {
            pr: 0,
            ddr: 0,
            input: 0xFF,
        }
    }

    /// The levels the chip itself drives: outputs as written, inputs pulled up.
    pub(crate) fn output(&self) -> u8 {
        self.pr | !self.ddr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_is_register_or_not_direction() {
        let mut p = Port::new();
        assert_eq!(p.output(), 0xFF, "all inputs float high");
        p.pr = 0b1010_0000;
        p.ddr = 0b1111_0000;
        assert_eq!(p.output(), 0b1010_1111);
        p.ddr = 0xFF;
        assert_eq!(p.output(), 0b1010_0000);
    }
}
