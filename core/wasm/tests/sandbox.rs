//! The sandbox on the interpreter: bad accesses trap, memory stays within its limit, runaway code is
//! stopped by fuel, a deadline or an interrupt, deep recursion never touches the host
//! stack, large memories cost nothing until used, and missing imports are named.

mod common;
mod sandbox_cases;

sandbox_tests!(heirloom_wasm::exec::Store::new);
