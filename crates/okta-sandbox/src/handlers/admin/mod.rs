//! The admin endpoints: admin roles (custom roles, resource sets, user and group role assignments), devices and
//! event hooks. Their data is the org's admin store (`org::admin`); changes append System Log events like Okta's.

pub(super) mod devices;
pub(super) mod event_hooks;
pub(super) mod roles;
