//! Heirloom's HTTPS server: any app behind a login with a second factor.
