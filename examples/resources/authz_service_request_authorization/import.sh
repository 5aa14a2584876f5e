# An accepted or rejected request, by its authorization ID; the decision follows from its status.
terraform import authz_service_request_authorization.database AUTH20261123001
