//! The Okta API operations this workspace calls, each stated once: method, path template (as in Okta's
//! OpenAPI spec), Okta's `operationId`, the OAuth scopes the spec requires and whether Okta serves it to OAuth
//! access tokens only. Tools declare these constants and build their requests from them; a test checks every
//! entry against `../shared/okta-openapi/op-scopes.json`.
//!
//! Grouped by the spec's tag; named after the operationId (`getUser` → `GET_USER`).

use crate::operation::Operation;

crate::operations! {
    // Application
    LIST_APPLICATIONS = GET "/api/v1/apps" "listApplications" ["okta.apps.read"];
    CREATE_APPLICATION = POST "/api/v1/apps" "createApplication" ["okta.apps.manage"];
    DELETE_APPLICATION = DELETE "/api/v1/apps/{appId}" "deleteApplication" ["okta.apps.manage"];
    GET_APPLICATION = GET "/api/v1/apps/{appId}" "getApplication" ["okta.apps.read"];
    REPLACE_APPLICATION = PUT "/api/v1/apps/{appId}" "replaceApplication" ["okta.apps.manage"];
    ACTIVATE_APPLICATION = POST "/api/v1/apps/{appId}/lifecycle/activate" "activateApplication" ["okta.apps.manage"];
    DEACTIVATE_APPLICATION = POST "/api/v1/apps/{appId}/lifecycle/deactivate" "deactivateApplication" ["okta.apps.manage"];
    // ApplicationGrants
    LIST_SCOPE_CONSENT_GRANTS = GET "/api/v1/apps/{appId}/grants" "listScopeConsentGrants" ["okta.appGrants.read"];
    // ApplicationGroups
    LIST_APPLICATION_GROUP_ASSIGNMENTS = GET "/api/v1/apps/{appId}/groups" "listApplicationGroupAssignments" ["okta.apps.read"];
    UNASSIGN_APPLICATION_FROM_GROUP = DELETE "/api/v1/apps/{appId}/groups/{groupId}" "unassignApplicationFromGroup" ["okta.apps.manage"];
    GET_APPLICATION_GROUP_ASSIGNMENT = GET "/api/v1/apps/{appId}/groups/{groupId}" "getApplicationGroupAssignment" ["okta.apps.read"];
    ASSIGN_GROUP_TO_APPLICATION = PUT "/api/v1/apps/{appId}/groups/{groupId}" "assignGroupToApplication" ["okta.apps.manage"];
    // ApplicationSSO
    PREVIEW_SAML_METADATA_FOR_APPLICATION = GET "/api/v1/apps/{appId}/sso/saml/metadata" "previewSAMLmetadataForApplication" ["okta.apps.read"];
    // ApplicationSSOCredentialKey
    PUBLISH_CSR_FROM_APPLICATION = POST "/api/v1/apps/{appId}/credentials/csrs/{csrId}/lifecycle/publish" "publishCsrFromApplication" ["okta.apps.manage"];
    LIST_APPLICATION_KEYS = GET "/api/v1/apps/{appId}/credentials/keys" "listApplicationKeys" ["okta.apps.read"];
    GENERATE_APPLICATION_KEY = POST "/api/v1/apps/{appId}/credentials/keys/generate" "generateApplicationKey" ["okta.apps.manage"];
    CLONE_APPLICATION_KEY = POST "/api/v1/apps/{appId}/credentials/keys/{keyId}/clone" "cloneApplicationKey" ["okta.apps.manage"];
    // ApplicationSSOPublicKeys
    ADD_JWK = POST "/api/v1/apps/{appId}/credentials/jwks" "addJwk" ["okta.apps.manage"];
    ACTIVATE_OAUTH2_CLIENT_JSON_WEB_KEY = POST "/api/v1/apps/{appId}/credentials/jwks/{keyId}/lifecycle/activate" "activateOAuth2ClientJsonWebKey" ["okta.apps.manage"];
    CREATE_OAUTH2_CLIENT_SECRET = POST "/api/v1/apps/{appId}/credentials/secrets" "createOAuth2ClientSecret" ["okta.apps.manage"];
    ACTIVATE_OAUTH2_CLIENT_SECRET = POST "/api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/activate" "activateOAuth2ClientSecret" ["okta.apps.manage"];
    // ApplicationUsers
    LIST_APPLICATION_USERS = GET "/api/v1/apps/{appId}/users" "listApplicationUsers" ["okta.apps.read"];
    ASSIGN_USER_TO_APPLICATION = POST "/api/v1/apps/{appId}/users" "assignUserToApplication" ["okta.apps.manage"];
    UNASSIGN_USER_FROM_APPLICATION = DELETE "/api/v1/apps/{appId}/users/{userId}" "unassignUserFromApplication" ["okta.apps.manage"];
    GET_APPLICATION_USER = GET "/api/v1/apps/{appId}/users/{userId}" "getApplicationUser" ["okta.apps.read"];
    UPDATE_APPLICATION_USER = POST "/api/v1/apps/{appId}/users/{userId}" "updateApplicationUser" ["okta.apps.manage"];
    // AuthorizationServer
    LIST_AUTHORIZATION_SERVERS = GET "/api/v1/authorizationServers" "listAuthorizationServers" ["okta.authorizationServers.read"];
    CREATE_AUTHORIZATION_SERVER = POST "/api/v1/authorizationServers" "createAuthorizationServer" ["okta.authorizationServers.manage"];
    DELETE_AUTHORIZATION_SERVER = DELETE "/api/v1/authorizationServers/{authServerId}" "deleteAuthorizationServer" ["okta.authorizationServers.manage"];
    GET_AUTHORIZATION_SERVER = GET "/api/v1/authorizationServers/{authServerId}" "getAuthorizationServer" ["okta.authorizationServers.read"];
    REPLACE_AUTHORIZATION_SERVER = PUT "/api/v1/authorizationServers/{authServerId}" "replaceAuthorizationServer" ["okta.authorizationServers.manage"];
    DEACTIVATE_AUTHORIZATION_SERVER = POST "/api/v1/authorizationServers/{authServerId}/lifecycle/deactivate" "deactivateAuthorizationServer" ["okta.authorizationServers.manage"];
    // AuthorizationServerClaims
    LIST_OAUTH2_CLAIMS = GET "/api/v1/authorizationServers/{authServerId}/claims" "listOAuth2Claims" ["okta.authorizationServers.read"];
    CREATE_OAUTH2_CLAIM = POST "/api/v1/authorizationServers/{authServerId}/claims" "createOAuth2Claim" ["okta.authorizationServers.manage"];
    DELETE_OAUTH2_CLAIM = DELETE "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" "deleteOAuth2Claim" ["okta.authorizationServers.manage"];
    GET_OAUTH2_CLAIM = GET "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" "getOAuth2Claim" ["okta.authorizationServers.read"];
    REPLACE_OAUTH2_CLAIM = PUT "/api/v1/authorizationServers/{authServerId}/claims/{claimId}" "replaceOAuth2Claim" ["okta.authorizationServers.manage"];
    // AuthorizationServerKeys
    LIST_AUTHORIZATION_SERVER_KEYS = GET "/api/v1/authorizationServers/{authServerId}/credentials/keys" "listAuthorizationServerKeys" ["okta.authorizationServers.read"];
    ROTATE_AUTHORIZATION_SERVER_KEYS = POST "/api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate" "rotateAuthorizationServerKeys" ["okta.authorizationServers.manage"];
    // AuthorizationServerPolicies
    LIST_AUTHORIZATION_SERVER_POLICIES = GET "/api/v1/authorizationServers/{authServerId}/policies" "listAuthorizationServerPolicies" ["okta.authorizationServers.read"];
    CREATE_AUTHORIZATION_SERVER_POLICY = POST "/api/v1/authorizationServers/{authServerId}/policies" "createAuthorizationServerPolicy" ["okta.authorizationServers.manage"];
    DELETE_AUTHORIZATION_SERVER_POLICY = DELETE "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" "deleteAuthorizationServerPolicy" ["okta.authorizationServers.manage"];
    GET_AUTHORIZATION_SERVER_POLICY = GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" "getAuthorizationServerPolicy" ["okta.authorizationServers.read"];
    REPLACE_AUTHORIZATION_SERVER_POLICY = PUT "/api/v1/authorizationServers/{authServerId}/policies/{policyId}" "replaceAuthorizationServerPolicy" ["okta.authorizationServers.manage"];
    // AuthorizationServerRules
    LIST_AUTHORIZATION_SERVER_POLICY_RULES = GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules" "listAuthorizationServerPolicyRules" ["okta.authorizationServers.read"];
    CREATE_AUTHORIZATION_SERVER_POLICY_RULE = POST "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules" "createAuthorizationServerPolicyRule" ["okta.authorizationServers.manage"];
    DELETE_AUTHORIZATION_SERVER_POLICY_RULE = DELETE "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" "deleteAuthorizationServerPolicyRule" ["okta.authorizationServers.manage"];
    GET_AUTHORIZATION_SERVER_POLICY_RULE = GET "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" "getAuthorizationServerPolicyRule" ["okta.authorizationServers.read"];
    REPLACE_AUTHORIZATION_SERVER_POLICY_RULE = PUT "/api/v1/authorizationServers/{authServerId}/policies/{policyId}/rules/{ruleId}" "replaceAuthorizationServerPolicyRule" ["okta.authorizationServers.manage"];
    // AuthorizationServerScopes
    LIST_OAUTH2_SCOPES = GET "/api/v1/authorizationServers/{authServerId}/scopes" "listOAuth2Scopes" ["okta.authorizationServers.read"];
    CREATE_OAUTH2_SCOPE = POST "/api/v1/authorizationServers/{authServerId}/scopes" "createOAuth2Scope" ["okta.authorizationServers.manage"];
    DELETE_OAUTH2_SCOPE = DELETE "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" "deleteOAuth2Scope" ["okta.authorizationServers.manage"];
    GET_OAUTH2_SCOPE = GET "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" "getOAuth2Scope" ["okta.authorizationServers.read"];
    REPLACE_OAUTH2_SCOPE = PUT "/api/v1/authorizationServers/{authServerId}/scopes/{scopeId}" "replaceOAuth2Scope" ["okta.authorizationServers.manage"];
    // Campaigns
    LIST_CAMPAIGNS = GET "/governance/api/v1/campaigns" "listCampaigns" ["okta.governance.accessCertifications.read"];
    CREATE_CAMPAIGN = POST "/governance/api/v1/campaigns" "createCampaign" ["okta.governance.accessCertifications.manage"];
    GET_CAMPAIGN = GET "/governance/api/v1/campaigns/{campaignId}" "getCampaign" ["okta.governance.accessCertifications.read"];
    END_CAMPAIGN = POST "/governance/api/v1/campaigns/{campaignId}/end" "endCampaign" ["okta.governance.accessCertifications.manage"];
    LAUNCH_CAMPAIGN = POST "/governance/api/v1/campaigns/{campaignId}/launch" "launchCampaign" ["okta.governance.accessCertifications.manage"];
    // Catalogs
    LIST_ALL_DEFAULT_ENTRIES_V2 = GET "/governance/api/v2/catalogs/default/entries" "listAllDefaultEntriesV2" ["okta.accessRequests.catalog.read"] oauth_only;
    GET_CATALOG_ENTRY_V2 = GET "/governance/api/v2/catalogs/default/entries/{entryId}" "getCatalogEntryV2" ["okta.accessRequests.catalog.read"] oauth_only;
    LIST_ALL_DEFAULT_USER_ENTRIES_V2 = GET "/governance/api/v2/catalogs/default/user/{userId}/entries" "listAllDefaultUserEntriesV2" ["okta.accessRequests.catalog.read"] oauth_only;
    // Collections
    LIST_COLLECTIONS = GET "/governance/api/v1/collections" "listCollections" ["okta.governance.collections.read"];
    LIST_COLLECTIONS_ASSIGNMENTS = GET "/governance/api/v1/collections/assignments" "listCollectionsAssignments" ["okta.governance.collections.read"];
    GET_COLLECTION = GET "/governance/api/v1/collections/{collectionId}" "getCollection" ["okta.governance.collections.read"];
    LIST_COLLECTION_ASSIGNMENTS = GET "/governance/api/v1/collections/{collectionId}/assignments" "listCollectionAssignments" ["okta.governance.collections.read"];
    LIST_COLLECTION_RESOURCES = GET "/governance/api/v1/collections/{collectionId}/resources" "listCollectionResources" ["okta.governance.collections.read"];
    // Device
    LIST_DEVICES = GET "/api/v1/devices" "listDevices" ["okta.devices.read"];
    DELETE_DEVICE = DELETE "/api/v1/devices/{deviceId}" "deleteDevice" ["okta.devices.manage"];
    GET_DEVICE = GET "/api/v1/devices/{deviceId}" "getDevice" ["okta.devices.read"];
    DEACTIVATE_DEVICE = POST "/api/v1/devices/{deviceId}/lifecycle/deactivate" "deactivateDevice" ["okta.devices.manage"];
    SUSPEND_DEVICE = POST "/api/v1/devices/{deviceId}/lifecycle/suspend" "suspendDevice" ["okta.devices.manage"];
    UNSUSPEND_DEVICE = POST "/api/v1/devices/{deviceId}/lifecycle/unsuspend" "unsuspendDevice" ["okta.devices.manage"];
    LIST_DEVICE_USERS = GET "/api/v1/devices/{deviceId}/users" "listDeviceUsers" ["okta.devices.read"];
    // Entitlement Bundles
    LIST_ENTITLEMENT_BUNDLES = GET "/governance/api/v1/entitlement-bundles" "listEntitlementBundles" ["okta.governance.entitlements.read"];
    CREATE_ENTITLEMENT_BUNDLE = POST "/governance/api/v1/entitlement-bundles" "createEntitlementBundle" ["okta.governance.entitlements.manage"];
    DELETE_ENTITLEMENT_BUNDLE = DELETE "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" "deleteEntitlementBundle" ["okta.governance.entitlements.manage"];
    GET_ENTITLEMENT_BUNDLE = GET "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" "getEntitlementBundle" ["okta.governance.entitlements.read"];
    REPLACE_ENTITLEMENT_BUNDLE = PUT "/governance/api/v1/entitlement-bundles/{entitlementBundleId}" "replaceEntitlementBundle" ["okta.governance.entitlements.manage"];
    // Entitlements
    LIST_ENTITLEMENTS = GET "/governance/api/v1/entitlements" "listEntitlements" ["okta.governance.entitlements.read"];
    CREATE_ENTITLEMENT = POST "/governance/api/v1/entitlements" "createEntitlement" ["okta.governance.entitlements.manage"];
    DELETE_ENTITLEMENT = DELETE "/governance/api/v1/entitlements/{entitlementId}" "deleteEntitlement" ["okta.governance.entitlements.manage"];
    GET_ENTITLEMENT = GET "/governance/api/v1/entitlements/{entitlementId}" "getEntitlement" ["okta.governance.entitlements.read"];
    UPDATE_ENTITLEMENT = PATCH "/governance/api/v1/entitlements/{entitlementId}" "updateEntitlement" ["okta.governance.entitlements.manage"];
    LIST_ENTITLEMENT_VALUES = GET "/governance/api/v1/entitlements/{entitlementId}/values" "listEntitlementValues" ["okta.governance.entitlements.read"];
    // EventHook
    LIST_EVENT_HOOKS = GET "/api/v1/eventHooks" "listEventHooks" ["okta.eventHooks.read"];
    CREATE_EVENT_HOOK = POST "/api/v1/eventHooks" "createEventHook" ["okta.eventHooks.manage"];
    DELETE_EVENT_HOOK = DELETE "/api/v1/eventHooks/{eventHookId}" "deleteEventHook" ["okta.eventHooks.manage"];
    GET_EVENT_HOOK = GET "/api/v1/eventHooks/{eventHookId}" "getEventHook" ["okta.eventHooks.read"];
    REPLACE_EVENT_HOOK = PUT "/api/v1/eventHooks/{eventHookId}" "replaceEventHook" ["okta.eventHooks.manage"];
    ACTIVATE_EVENT_HOOK = POST "/api/v1/eventHooks/{eventHookId}/lifecycle/activate" "activateEventHook" ["okta.eventHooks.manage"];
    DEACTIVATE_EVENT_HOOK = POST "/api/v1/eventHooks/{eventHookId}/lifecycle/deactivate" "deactivateEventHook" ["okta.eventHooks.manage"];
    VERIFY_EVENT_HOOK = POST "/api/v1/eventHooks/{eventHookId}/lifecycle/verify" "verifyEventHook" ["okta.eventHooks.manage"];
    // Grants
    LIST_GRANTS = GET "/governance/api/v1/grants" "listGrants" ["okta.governance.entitlements.read"];
    CREATE_GRANT = POST "/governance/api/v1/grants" "createGrant" ["okta.governance.entitlements.manage"];
    GET_GRANT = GET "/governance/api/v1/grants/{grantId}" "getGrant" ["okta.governance.entitlements.read"];
    // Group
    LIST_GROUPS = GET "/api/v1/groups" "listGroups" ["okta.groups.read"];
    ADD_GROUP = POST "/api/v1/groups" "addGroup" ["okta.groups.manage"];
    DELETE_GROUP = DELETE "/api/v1/groups/{groupId}" "deleteGroup" ["okta.groups.manage"];
    GET_GROUP = GET "/api/v1/groups/{groupId}" "getGroup" ["okta.groups.read"];
    REPLACE_GROUP = PUT "/api/v1/groups/{groupId}" "replaceGroup" ["okta.groups.manage"];
    LIST_ASSIGNED_APPLICATIONS_FOR_GROUP = GET "/api/v1/groups/{groupId}/apps" "listAssignedApplicationsForGroup" ["okta.groups.read"];
    LIST_GROUP_USERS = GET "/api/v1/groups/{groupId}/users" "listGroupUsers" ["okta.groups.read"];
    UNASSIGN_USER_FROM_GROUP = DELETE "/api/v1/groups/{groupId}/users/{userId}" "unassignUserFromGroup" ["okta.groups.manage"];
    ASSIGN_USER_TO_GROUP = PUT "/api/v1/groups/{groupId}/users/{userId}" "assignUserToGroup" ["okta.groups.manage"];
    // InlineHook
    LIST_INLINE_HOOKS = GET "/api/v1/inlineHooks" "listInlineHooks" ["okta.inlineHooks.read"];
    CREATE_INLINE_HOOK = POST "/api/v1/inlineHooks" "createInlineHook" ["okta.inlineHooks.manage"];
    DELETE_INLINE_HOOK = DELETE "/api/v1/inlineHooks/{inlineHookId}" "deleteInlineHook" ["okta.inlineHooks.manage"];
    GET_INLINE_HOOK = GET "/api/v1/inlineHooks/{inlineHookId}" "getInlineHook" ["okta.inlineHooks.read"];
    REPLACE_INLINE_HOOK = PUT "/api/v1/inlineHooks/{inlineHookId}" "replaceInlineHook" ["okta.inlineHooks.manage"];
    EXECUTE_INLINE_HOOK = POST "/api/v1/inlineHooks/{inlineHookId}/execute" "executeInlineHook" ["okta.inlineHooks.manage"];
    ACTIVATE_INLINE_HOOK = POST "/api/v1/inlineHooks/{inlineHookId}/lifecycle/activate" "activateInlineHook" ["okta.inlineHooks.manage"];
    DEACTIVATE_INLINE_HOOK = POST "/api/v1/inlineHooks/{inlineHookId}/lifecycle/deactivate" "deactivateInlineHook" ["okta.inlineHooks.manage"];
    // Labels
    LIST_LABELS = GET "/governance/api/v1/labels" "listLabels" ["okta.governance.labels.read"];
    LIST_LABEL_RESOURCES = GET "/governance/api/v1/resource-labels" "listLabelResources" ["okta.governance.labels.read"];
    ASSIGN_RESOURCE_LABELS = POST "/governance/api/v1/resource-labels/assign" "assignResourceLabels" ["okta.governance.labels.manage"];
    REMOVE_RESOURCE_LABELS = POST "/governance/api/v1/resource-labels/unassign" "removeResourceLabels" ["okta.governance.labels.manage"];
    // NetworkZone
    LIST_NETWORK_ZONES = GET "/api/v1/zones" "listNetworkZones" ["okta.networkZones.read"];
    CREATE_NETWORK_ZONE = POST "/api/v1/zones" "createNetworkZone" ["okta.networkZones.manage"];
    DELETE_NETWORK_ZONE = DELETE "/api/v1/zones/{zoneId}" "deleteNetworkZone" ["okta.networkZones.manage"];
    GET_NETWORK_ZONE = GET "/api/v1/zones/{zoneId}" "getNetworkZone" ["okta.networkZones.read"];
    REPLACE_NETWORK_ZONE = PUT "/api/v1/zones/{zoneId}" "replaceNetworkZone" ["okta.networkZones.manage"];
    ACTIVATE_NETWORK_ZONE = POST "/api/v1/zones/{zoneId}/lifecycle/activate" "activateNetworkZone" ["okta.networkZones.manage"];
    DEACTIVATE_NETWORK_ZONE = POST "/api/v1/zones/{zoneId}/lifecycle/deactivate" "deactivateNetworkZone" ["okta.networkZones.manage"];
    // Policy
    LIST_POLICIES = GET "/api/v1/policies" "listPolicies" ["okta.policies.read"];
    GET_POLICY = GET "/api/v1/policies/{policyId}" "getPolicy" ["okta.policies.read"];
    ACTIVATE_POLICY = POST "/api/v1/policies/{policyId}/lifecycle/activate" "activatePolicy" ["okta.policies.manage"];
    DEACTIVATE_POLICY = POST "/api/v1/policies/{policyId}/lifecycle/deactivate" "deactivatePolicy" ["okta.policies.manage"];
    LIST_POLICY_RULES = GET "/api/v1/policies/{policyId}/rules" "listPolicyRules" ["okta.policies.read"];
    GET_POLICY_RULE = GET "/api/v1/policies/{policyId}/rules/{ruleId}" "getPolicyRule" ["okta.policies.read"];
    // Principal Access
    GET_PRINCIPAL_ACCESS = GET "/governance/api/v1/principal-access" "getPrincipalAccess" ["okta.governance.entitlements.read"];
    // Principal Access - V2
    REVOKE_PRINCIPAL_ACCESS = POST "/governance/api/v2/revoke-principal-access" "revokePrincipalAccess" ["okta.governance.entitlements.manage"];
    // My Catalogs (end-user: the signed-in person's own token)
    LIST_MY_DEFAULT_ENTRIES_V2 = GET "/governance/api/v2/my/catalogs/default/entries" "listMyDefaultEntriesV2" ["okta.accessRequests.catalog.read"] oauth_only;
    GET_MY_ENTRY_V2 = GET "/governance/api/v2/my/catalogs/default/entries/{entryId}" "getMyEntryV2" ["okta.accessRequests.catalog.read"] oauth_only;
    GET_MY_CATALOG_ENTRY_REQUEST_FIELDS_V2 = GET "/governance/api/v2/my/catalogs/default/entries/{entryId}/request-fields" "getMyCatalogEntryRequestFieldsV2" ["okta.accessRequests.request.read"] oauth_only;
    CREATE_MY_REQUEST_V2 = POST "/governance/api/v2/my/catalogs/default/entries/{entryId}/requests" "createMyRequestV2" ["okta.accessRequests.request.manage"] oauth_only;
    GET_MY_REQUEST_V2 = GET "/governance/api/v2/my/catalogs/default/entries/{entryId}/requests/{requestId}" "getMyRequestV2" ["okta.accessRequests.request.read"] oauth_only;
    // My Security Access Reviews (end-user: reviews where the signed-in person is the reviewer)
    LIST_MY_SECURITY_ACCESS_REVIEWS = GET "/governance/api/v2/my/security-access-reviews" "listMySecurityAccessReviews" ["okta.governance.securityAccessReviews.endUser.read"] oauth_only;
    LIST_MY_SECURITY_ACCESS_REVIEW_ACCESSES = GET "/governance/api/v2/my/security-access-reviews/{securityAccessReviewId}/accesses" "listMySecurityAccessReviewAccesses" ["okta.governance.securityAccessReviews.endUser.read"] oauth_only;
    EXECUTE_MY_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION = POST "/governance/api/v2/my/security-access-reviews/{securityAccessReviewId}/accesses/{securityAccessReviewTargetId}/actions" "executeMySecurityAccessReviewAccessesAction" ["okta.governance.securityAccessReviews.endUser.manage"] oauth_only;
    ADD_MY_SECURITY_ACCESS_REVIEW_COMMENT = POST "/governance/api/v2/my/security-access-reviews/{securityAccessReviewId}/comment" "addMySecurityAccessReviewComment" ["okta.governance.securityAccessReviews.endUser.manage"] oauth_only;
    GET_MY_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS = GET "/governance/api/v2/my/security-access-reviews/{securityAccessReviewId}/principal" "getMySecurityAccessReviewPrincipalDetails" ["okta.governance.securityAccessReviews.endUser.read"] oauth_only;
    // Principal Entitlements
    GET_PRINCIPAL_ENTITLEMENTS = GET "/governance/api/v1/principal-entitlements" "getPrincipalEntitlements" ["okta.governance.entitlements.read"];
    GET_PRINCIPAL_ENTITLEMENTS_HISTORY = GET "/governance/api/v1/principal-entitlements/history" "getPrincipalEntitlementsHistory" ["okta.governance.entitlements.read"];
    // Requests
    LIST_ALL_REQUESTS_V2 = GET "/governance/api/v2/requests" "listAllRequestsV2" ["okta.accessRequests.request.read"] oauth_only;
    CREATE_REQUEST_V2 = POST "/governance/api/v2/requests" "createRequestV2" ["okta.accessRequests.request.manage"];
    GET_REQUEST_V2 = GET "/governance/api/v2/requests/{requestId}" "getRequestV2" ["okta.accessRequests.request.read"];
    // Resource Owners
    LIST_RESOURCE_OWNERS = GET "/governance/api/v1/resource-owners" "listResourceOwners" ["okta.governance.resourceOwner.read"];
    CONFIGURE_RESOURCE_OWNERS = POST "/governance/api/v1/resource-owners" "configureResourceOwners" ["okta.governance.resourceOwner.manage"];
    // Reviews
    REASSIGN_REVIEWS = POST "/governance/api/v1/campaigns/{campaignId}/reviews/reassign" "reassignReviews" ["okta.governance.accessCertifications.manage"];
    LIST_REVIEWS = GET "/governance/api/v1/reviews" "listReviews" ["okta.governance.accessCertifications.read"];
    GET_REVIEW = GET "/governance/api/v1/reviews/{reviewId}" "getReview" ["okta.governance.accessCertifications.read"];
    // Risk Rules
    GENERATE_POTENTIAL_RISK_ASSESSMENTS = POST "/governance/api/v1/risk-rule-assessments" "generatePotentialRiskAssessments" ["okta.governance.riskRule.read"];
    LIST_RISK_RULES = GET "/governance/api/v1/risk-rules" "listRiskRules" ["okta.governance.riskRule.read"];
    CREATE_RISK_RULE = POST "/governance/api/v1/risk-rules" "createRiskRule" ["okta.governance.riskRule.manage"];
    DELETE_RISK_RULE = DELETE "/governance/api/v1/risk-rules/{ruleId}" "deleteRiskRule" ["okta.governance.riskRule.manage"];
    GET_RISK_RULE = GET "/governance/api/v1/risk-rules/{ruleId}" "getRiskRule" ["okta.governance.riskRule.read"];
    REPLACE_RISK_RULE = PUT "/governance/api/v1/risk-rules/{ruleId}" "replaceRiskRule" ["okta.governance.riskRule.manage"];
    // RoleAssignmentAUser
    LIST_ASSIGNED_ROLES_FOR_USER = GET "/api/v1/users/{userId}/roles" "listAssignedRolesForUser" ["okta.roles.read"];
    ASSIGN_ROLE_TO_USER = POST "/api/v1/users/{userId}/roles" "assignRoleToUser" ["okta.roles.manage"];
    UNASSIGN_ROLE_FROM_USER = DELETE "/api/v1/users/{userId}/roles/{roleAssignmentId}" "unassignRoleFromUser" ["okta.roles.manage"];
    GET_USER_ASSIGNED_ROLE = GET "/api/v1/users/{userId}/roles/{roleAssignmentId}" "getUserAssignedRole" ["okta.roles.read"];
    // RoleAssignmentBGroup
    LIST_GROUP_ASSIGNED_ROLES = GET "/api/v1/groups/{groupId}/roles" "listGroupAssignedRoles" ["okta.roles.read"];
    ASSIGN_ROLE_TO_GROUP = POST "/api/v1/groups/{groupId}/roles" "assignRoleToGroup" ["okta.roles.manage"];
    UNASSIGN_ROLE_FROM_GROUP = DELETE "/api/v1/groups/{groupId}/roles/{roleAssignmentId}" "unassignRoleFromGroup" ["okta.roles.manage"];
    // RoleAssignmentClient
    ASSIGN_ROLE_TO_CLIENT = POST "/oauth2/v1/clients/{clientId}/roles" "assignRoleToClient" ["okta.roles.manage"];
    // RoleCResourceSet
    LIST_RESOURCE_SETS = GET "/api/v1/iam/resource-sets" "listResourceSets" ["okta.roles.read"];
    // RoleECustom
    LIST_ROLES = GET "/api/v1/iam/roles" "listRoles" ["okta.roles.read"];
    // Security Access Reviews
    LIST_SECURITY_ACCESS_REVIEWS = GET "/governance/api/v2/security-access-reviews" "listSecurityAccessReviews" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    CREATE_SECURITY_ACCESS_REVIEW = POST "/governance/api/v2/security-access-reviews" "createSecurityAccessReview" ["okta.governance.securityAccessReviews.admin.manage"];
    GET_SECURITY_ACCESS_REVIEW = GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}" "getSecurityAccessReview" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    LIST_SECURITY_ACCESS_REVIEW_ACCESSES = GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses" "listSecurityAccessReviewAccesses" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    LIST_SECURITY_ACCESS_REVIEW_SUB_ACCESSES = GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses/{securityAccessReviewAccessId}/sub-accesses" "listSecurityAccessReviewSubAccesses" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    EXECUTE_SECURITY_ACCESS_REVIEW_ACCESSES_ACTION = POST "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/accesses/{securityAccessReviewTargetId}/actions" "executeSecurityAccessReviewAccessesAction" ["okta.governance.securityAccessReviews.admin.manage"] oauth_only;
    LIST_SECURITY_ACCESS_REVIEW_ACTIONS = GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions" "listSecurityAccessReviewActions" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    EXECUTE_SECURITY_ACCESS_REVIEW_ACTION = POST "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/actions" "executeSecurityAccessReviewAction" ["okta.governance.securityAccessReviews.admin.manage"] oauth_only;
    GET_SECURITY_ACCESS_REVIEW_PRINCIPAL_DETAILS = GET "/governance/api/v2/security-access-reviews/{securityAccessReviewId}/principal" "getSecurityAccessReviewPrincipalDetails" ["okta.governance.securityAccessReviews.admin.read"] oauth_only;
    // Session
    REVOKE_SESSION = DELETE "/api/v1/sessions/{sessionId}" "revokeSession" ["okta.sessions.manage"];
    GET_SESSION = GET "/api/v1/sessions/{sessionId}" "getSession" ["okta.sessions.read"];
    // SystemLog
    LIST_LOG_EVENTS = GET "/api/v1/logs" "listLogEvents" ["okta.logs.read"];
    // Tasks
    LIST_ALL_TASKS_V2 = GET "/governance/api/v2/tasks" "listAllTasksV2" ["okta.accessRequests.tasks.read"];
    RESOLVE_TASK_V2 = POST "/governance/api/v2/tasks/{taskId}/resolve" "resolveTaskV2" ["okta.accessRequests.tasks.manage"];
    // User
    LIST_USERS = GET "/api/v1/users" "listUsers" ["okta.users.read"];
    CREATE_USER = POST "/api/v1/users" "createUser" ["okta.users.manage"];
    DELETE_USER = DELETE "/api/v1/users/{id}" "deleteUser" ["okta.users.manage"];
    GET_USER = GET "/api/v1/users/{id}" "getUser" ["okta.users.read"];
    UPDATE_USER = POST "/api/v1/users/{id}" "updateUser" ["okta.users.manage"];
    REPLACE_USER = PUT "/api/v1/users/{id}" "replaceUser" ["okta.users.manage"];
    // UserCred
    EXPIRE_PASSWORD = POST "/api/v1/users/{id}/lifecycle/expire_password" "expirePassword" ["okta.users.manage"];
    EXPIRE_PASSWORD_WITH_TEMP_PASSWORD = POST "/api/v1/users/{id}/lifecycle/expire_password_with_temp_password" "expirePasswordWithTempPassword" ["okta.users.manage"];
    RESET_PASSWORD = POST "/api/v1/users/{id}/lifecycle/reset_password" "resetPassword" ["okta.users.manage"];
    FORGOT_PASSWORD = POST "/api/v1/users/{userId}/credentials/forgot_password" "forgotPassword" ["okta.users.manage"];
    // UserFactor
    LIST_FACTORS = GET "/api/v1/users/{userId}/factors" "listFactors" ["okta.users.read"];
    ENROLL_FACTOR = POST "/api/v1/users/{userId}/factors" "enrollFactor" ["okta.users.manage"];
    LIST_SUPPORTED_FACTORS = GET "/api/v1/users/{userId}/factors/catalog" "listSupportedFactors" ["okta.users.read"];
    UNENROLL_FACTOR = DELETE "/api/v1/users/{userId}/factors/{factorId}" "unenrollFactor" ["okta.users.manage"];
    GET_FACTOR = GET "/api/v1/users/{userId}/factors/{factorId}" "getFactor" ["okta.users.read"];
    ACTIVATE_FACTOR = POST "/api/v1/users/{userId}/factors/{factorId}/lifecycle/activate" "activateFactor" ["okta.users.manage"];
    VERIFY_FACTOR = POST "/api/v1/users/{userId}/factors/{factorId}/verify" "verifyFactor" ["okta.users.manage"];
    GET_FACTOR_TRANSACTION_STATUS = GET "/api/v1/users/{userId}/factors/{factorId}/transactions/{transactionId}" "getFactorTransactionStatus" ["okta.users.read"];
    // UserLifecycle
    ACTIVATE_USER = POST "/api/v1/users/{id}/lifecycle/activate" "activateUser" ["okta.users.manage"];
    DEACTIVATE_USER = POST "/api/v1/users/{id}/lifecycle/deactivate" "deactivateUser" ["okta.users.manage"];
    REACTIVATE_USER = POST "/api/v1/users/{id}/lifecycle/reactivate" "reactivateUser" ["okta.users.manage"];
    SUSPEND_USER = POST "/api/v1/users/{id}/lifecycle/suspend" "suspendUser" ["okta.users.manage"];
    UNLOCK_USER = POST "/api/v1/users/{id}/lifecycle/unlock" "unlockUser" ["okta.users.manage"];
    UNSUSPEND_USER = POST "/api/v1/users/{id}/lifecycle/unsuspend" "unsuspendUser" ["okta.users.manage"];
    // UserResources
    LIST_APP_LINKS = GET "/api/v1/users/{id}/appLinks" "listAppLinks" ["okta.users.read"];
    LIST_USER_GROUPS = GET "/api/v1/users/{id}/groups" "listUserGroups" ["okta.users.read"];
    // UserSessions
    REVOKE_USER_SESSIONS = DELETE "/api/v1/users/{userId}/sessions" "revokeUserSessions" ["okta.users.manage"];
}

/// The signed-in person's own user resources (`/api/v1/users/me…`), in delegated mode. The same operations as
/// Okta's spec states them (`getUser` and so on, called with `me`), but authorized by the end-user form of the
/// spec's scope (`okta.users.read` → `okta.users.read.self`), which Okta's org authorization server grants to a
/// person for themselves only. Tools pass the literal [`ME`]; nothing else is ever put in these paths.
pub mod end_user {
    use crate::operation::Operation;

    /// The path segment that names the signed-in person.
    pub const ME: &str = "me";

    crate::operations! {
        GET_USER = GET "/api/v1/users/{id}" "getUser" ["okta.users.read.self"];
        LIST_APP_LINKS = GET "/api/v1/users/{id}/appLinks" "listAppLinks" ["okta.users.read.self"];
        LIST_USER_GROUPS = GET "/api/v1/users/{id}/groups" "listUserGroups" ["okta.users.read.self"];
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    use serde_json::Value;

    use super::ALL;

    /// `../shared/okta-openapi/op-scopes.json` beside the checkout; absent → skip with a message, except under
    /// `CI=true`.
    fn spec() -> Option<Vec<Value>> {
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/okta-openapi/op-scopes.json");
        if !file.exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing, and CI=true forbids skipping the operations check",
                file.display()
            );
            eprintln!("SKIPPED: ../shared/okta-openapi is absent, so operations are not checked against Okta's spec");
            return None;
        }
        Some(serde_json::from_slice(&std::fs::read(file).expect("read op-scopes.json")).expect("op-scopes JSON"))
    }

    #[test]
    fn every_operation_is_okta_s_with_the_spec_s_scopes() {
        let Some(spec) = spec() else { return };
        let mut problems = Vec::new();
        for op in ALL {
            let Some(s) = spec.iter().find(|s| s["method"] == op.method.as_str() && s["path"] == op.path) else {
                problems.push(format!("{op} is not in Okta's spec"));
                continue;
            };
            if s["operationId"] != op.id {
                problems.push(format!("{op}: operationId is {}, not {}", s["operationId"], op.id));
            }
            let alternatives = s["oauth2_scope_alternatives"].as_array().cloned().unwrap_or_default();
            let declared: BTreeSet<&str> = op.scopes.iter().copied().collect();
            match alternatives.as_slice() {
                [only] => {
                    let spec_scopes: BTreeSet<&str> =
                        only.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                    if spec_scopes != declared {
                        problems.push(format!("{op}: scopes {declared:?}, the spec requires {spec_scopes:?}"));
                    }
                }
                other => problems.push(format!("{op}: the spec has {} scope alternatives", other.len())),
            }
            let oauth_only = s["other_auth"].as_array().is_some_and(Vec::is_empty) && s["no_auth"] != true;
            if oauth_only != op.oauth_only {
                problems.push(format!("{op}: oauth_only is {}, the spec says {oauth_only}", op.oauth_only));
            }
        }
        assert!(problems.is_empty(), "operations do not match Okta's spec:\n{}", problems.join("\n"));
    }

    #[test]
    fn end_user_operations_are_okta_s_with_the_self_form_of_the_spec_s_scopes() {
        let Some(spec) = spec() else { return };
        for op in super::end_user::ALL {
            let s = spec
                .iter()
                .find(|s| s["method"] == op.method.as_str() && s["path"] == op.path)
                .unwrap_or_else(|| panic!("{op} is not in Okta's spec"));
            assert_eq!(s["operationId"], op.id, "{op}");
            let spec_scopes: Vec<String> = s["oauth2_scope_alternatives"][0]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|scope| format!("{scope}.self"))
                .collect();
            let declared: Vec<String> = op.scopes.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(declared, spec_scopes, "{op}: the end-user form of the spec's scopes");
        }
    }

    #[test]
    fn each_operation_is_stated_once() {
        let mut seen = BTreeSet::new();
        for op in ALL {
            assert!(seen.insert((op.method, op.path)), "{op} is stated twice");
        }
    }
}
