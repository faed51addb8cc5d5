//! The admin endpoints: admin roles (custom roles, resource sets, user and group role assignments), devices and
//! event hooks. Their data is in `admin_model` beside the org; changes append System Log events like Okta's.

#[path = "admin_roles.rs"]
mod admin_roles;
#[path = "devices.rs"]
mod devices;
#[path = "event_hooks.rs"]
mod event_hooks;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// The admin routes, merged into the sandbox's router.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/v1/iam/roles", get(admin_roles::list_roles))
        .route("/api/v1/iam/roles/{roleIdOrLabel}", get(admin_roles::get_role))
        .route("/api/v1/iam/resource-sets", get(admin_roles::list_resource_sets))
        .route("/api/v1/iam/resource-sets/{resourceSetIdOrLabel}", get(admin_roles::get_resource_set))
        .route("/api/v1/users/{id}/roles", post(admin_roles::assign_to_user))
        .route(
            "/api/v1/users/{id}/roles/{roleAssignmentId}",
            get(admin_roles::get_user_role).delete(admin_roles::unassign_from_user),
        )
        .route("/api/v1/groups/{groupId}/roles", get(admin_roles::list_group_roles).post(admin_roles::assign_to_group))
        .route(
            "/api/v1/groups/{groupId}/roles/{roleAssignmentId}",
            get(admin_roles::get_group_role).delete(admin_roles::unassign_from_group),
        )
        .route("/api/v1/devices", get(devices::list))
        .route("/api/v1/devices/{deviceId}", get(devices::get_one).delete(devices::delete))
        .route("/api/v1/devices/{deviceId}/users", get(devices::users))
        .route("/api/v1/devices/{deviceId}/lifecycle/{op}", post(devices::lifecycle))
        .route("/api/v1/eventHooks", get(event_hooks::list).post(event_hooks::create))
        .route(
            "/api/v1/eventHooks/{eventHookId}",
            get(event_hooks::get_one).put(event_hooks::replace).delete(event_hooks::delete),
        )
        .route("/api/v1/eventHooks/{eventHookId}/lifecycle/{op}", post(event_hooks::lifecycle))
}
