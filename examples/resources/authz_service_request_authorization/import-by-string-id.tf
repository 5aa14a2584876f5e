# An accepted or rejected request, by its authorization ID; the decision follows from its status.
import {
  to = authz_service_request_authorization.database
  id = "AUTH20261123001"
}
