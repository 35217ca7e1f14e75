//! A local simulated Bitrix24 portal.
