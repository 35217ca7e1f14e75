//! Reading `/rest/...` paths into a method name and the credentials the path carries.

use super::envelope::ApiError;

/// Where the caller's credentials are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathAuth {
    /// `/rest/{user}/{secret}/{method}`
    Webhook { user: String, secret: String },
    /// `/rest/{method}`: the token travels as a parameter or a header.
    OAuth,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestPath {
    /// Lower-cased, without the `.json` suffix: method names are case-insensitive.
    pub method: String,
    pub auth: PathAuth,
    /// Called at `/rest/api/…`: REST 3.0.
    pub rest_v3: bool,
}

/// Parse the part of the path after `/rest/`. A trailing slash is allowed; `api/` in front selects
/// REST 3.0.
pub fn parse(rest: &str) -> Result<RestPath, ApiError> {
    let rest = rest.trim_end_matches('/');
    let (rest_v3, rest) = match rest.strip_prefix("api/") {
        Some(after) => (true, after),
        None => (false, rest),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    let (auth, raw_method) = match segments.as_slice() {
        [method] => (PathAuth::OAuth, *method),
        [user, secret, method] => (
            PathAuth::Webhook {
                user: (*user).into(),
                secret: (*secret).into(),
            },
            *method,
        ),
        _ => return Err(ApiError::method_not_found()),
    };
    let lower = raw_method.to_ascii_lowercase();
    let method = if let Some(name) = lower.strip_suffix(".json") {
        name.to_owned()
    } else if lower.ends_with(".xml") {
        return Err(ApiError::new(
            500,
            "INTERNAL_WRONG_TRANSPORT",
            "Wrong transport!",
        ));
    } else {
        lower
    };
    if method.is_empty() {
        return Err(ApiError::method_not_found());
    }
    Ok(RestPath {
        method,
        auth,
        rest_v3,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webhook_and_oauth_paths() {
        let hook = parse("1/abc/IMOPENLINES.Config.Get.json/").unwrap();
        assert_eq!(hook.method, "imopenlines.config.get");
        assert_eq!(
            hook.auth,
            PathAuth::Webhook {
                user: "1".into(),
                secret: "abc".into()
            }
        );
        assert_eq!(parse("user.current").unwrap().auth, PathAuth::OAuth);
        assert_eq!(parse("a/b").unwrap_err().code, "ERROR_METHOD_NOT_FOUND");
        assert_eq!(parse("profile.xml").unwrap_err().status, 500);
    }

    #[test]
    fn api_in_front_selects_rest_v3_for_both_kinds_of_credentials() {
        let hook = parse("api/1/abc/tasks.task.get").unwrap();
        assert_eq!(
            (hook.method.as_str(), hook.rest_v3),
            ("tasks.task.get", true)
        );
        assert!(matches!(hook.auth, PathAuth::Webhook { ref user, .. } if user == "1"));
        let app = parse("api/tasks.task.get/").unwrap();
        assert_eq!((app.auth, app.rest_v3), (PathAuth::OAuth, true));
        assert!(!parse("1/abc/tasks.task.get").unwrap().rest_v3);
    }
}
