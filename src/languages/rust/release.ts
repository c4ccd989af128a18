/** A release channel in rust-toolchain(.toml) or rust-version: "1.82" or "1.82.0" (numbers semver can compare). */
export const RUST_RELEASE = /^1\.\d{1,6}(\.\d{1,6})?$/;
