//! The MOS 6581/8580 SID sound chip (being built).
