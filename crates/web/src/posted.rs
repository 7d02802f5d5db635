//! A form posted from a page: who posts it and its named fields. A handler states the permission
//! it needs, does its work, and the caller goes back to a page with the outcome shown there.
use crate::auth::Caller;
use crate::error::{AppError, PageError};
use crate::page::{PageResult, SubForm};
use crate::state::AppState;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use shegong_domain::Permission;
use shegong_store::access::Access;
use uuid::Uuid;

pub(crate) struct Posted {
    st: AppState,
    caller: Caller,
    f: SubForm,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, st: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = req.into_parts();
        let caller = Caller::from_request_parts(&mut parts, st).await.map_err(IntoResponse::into_response)?;
        let Form(f) = Form::<SubForm>::from_request(Request::from_parts(parts, body), st)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self { st: st.clone(), caller, f })
    }
}

impl Posted {
    /// Checks the form's token and `permission`, does `work`, and goes back to `to` with the
    /// message `work` gives, or with the first error of any step.
    pub(crate) async fn act(
        self,
        permission: Permission,
        to: &str,
        work: impl AsyncFnOnce(&AppState, &Access, &SubForm) -> Result<String, AppError>,
    ) -> Response {
        let r = match self.allowed(permission) {
            Ok(()) => work(&self.st, &self.caller.access, &self.f).await,
            Err(e) => Err(e),
        };
        crate::flash::back(self.caller.user.id, to, r)
    }

    /// Checks the form's token only, for steps whose permission the store decides from the record
    /// and the caller's place in its region (an event's steps); does `work`, and goes back to `to`
    /// with its message — or to the page the work names (an event handed away is no longer the
    /// caller's to open) — or to `to` with the first error.
    pub(crate) async fn act_checked_to(
        self,
        to: &str,
        work: impl AsyncFnOnce(&AppState, &Access, &SubForm) -> Result<(Option<String>, String), AppError>,
    ) -> Response {
        let r = match self.caller.check_csrf(&self.f._csrf) {
            Ok(()) => work(&self.st, &self.caller.access, &self.f).await,
            Err(e) => Err(e),
        };
        match r {
            Ok((dest, message)) => crate::flash::back(self.caller.user.id, dest.as_deref().unwrap_or(to), Ok(message)),
            Err(e) => crate::flash::back(self.caller.user.id, to, Err(e)),
        }
    }

    /// For the archive page's sub-forms: checks the token and `permission` (refused with an error
    /// page), does `work` on worker `id`, and goes back to the archive's `tab` with a notice, or with
    /// the first error `work` met shown there.
    pub(crate) async fn save_archive(
        self,
        id: Uuid,
        permission: Permission,
        tab: &str,
        work: impl AsyncFnOnce(&AppState, &Access, &SubForm) -> Result<(), AppError>,
    ) -> PageResult {
        self.allowed(permission)?;
        let r = work(&self.st, &self.caller.access, &self.f).await;
        back_to_archive(self.caller.user.id, id, tab, r)
    }

    /// The page of region `field` in the caller's scope (`{path}?region=…`), or `path` itself when
    /// the field names no region there: where a form about a region goes back to, error or not.
    pub(crate) fn region_page(&self, path: &str, field: &str) -> String {
        let typed = self.f.get(field);
        match shegong_domain::RegionCode::parse(typed.trim()) {
            Ok(code) if self.caller.scope.allows_region(code.as_str()) => format!("{path}?region={code}"),
            _ => path.to_string(),
        }
    }

    /// A field as typed (empty when absent), for working out where to go back to.
    pub(crate) fn field(&self, name: &str) -> String {
        self.f.get(name)
    }

    fn allowed(&self, permission: Permission) -> Result<(), AppError> {
        self.caller.check_csrf(&self.f._csrf)?;
        Ok(self.caller.access.require(permission)?)
    }
}

/// Back to worker `id`'s archive at `tab`: a notice on success, the first error on rejected input
/// (shown there for `user`); other errors are answered as an error page.
pub(crate) fn back_to_archive(user: Uuid, id: Uuid, tab: &str, r: Result<(), AppError>) -> PageResult {
    let to = format!("/workers/{id}?tab={tab}");
    match r {
        Ok(()) => Ok(crate::flash::back(user, &to, Ok("已保存。".into()))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Ok(crate::flash::back(user, &to, Err(e))),
        Err(e) => Err(PageError::from(e)),
    }
}
