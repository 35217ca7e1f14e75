//! The crypto behind HTTPS, chosen by feature: `tls-aws-lc-rs` (the default, rustls' own default) or
//! `tls-ring`, which spares a clean build the compilation of aws-lc's C library.

use crate::client::BuildError;

/// reqwest brings aws-lc-rs as its fallback provider.
#[cfg(feature = "tls-aws-lc-rs")]
pub(crate) fn ensure_provider() -> Result<(), BuildError> {
    Ok(())
}

/// reqwest has no provider of its own here, and panics without one: install ring as the process
/// default, unless the program installed a provider already (that one is kept).
#[cfg(all(feature = "tls-ring", not(feature = "tls-aws-lc-rs")))]
pub(crate) fn ensure_provider() -> Result<(), BuildError> {
    let _already_installed = rustls::crypto::ring::default_provider().install_default();
    Ok(())
}

/// Neither feature: the program must have installed a rustls provider itself.
#[cfg(not(any(feature = "tls-aws-lc-rs", feature = "tls-ring")))]
pub(crate) fn ensure_provider() -> Result<(), BuildError> {
    match rustls::crypto::CryptoProvider::get_default() {
        Some(_) => Ok(()),
        None => Err(BuildError::Http(
            "no TLS crypto provider: enable the `tls-aws-lc-rs` or `tls-ring` feature of bitrix24-api, \
             or install a rustls CryptoProvider before building a client"
                .to_owned(),
        )),
    }
}
