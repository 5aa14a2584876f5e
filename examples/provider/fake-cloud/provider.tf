# The bundled fake cloud: `go run ./internal/fakecloud/cmd/fakecloud` (or the fakecloud binary from a release)
# listens on http://127.0.0.1:8780 and prints these well-known credentials.
provider "authz" {
  region     = "eu-de"
  project_id = "0b5b0b8c5c0b4a6b9e8a6c4d2e1f0a9b"
  token      = "fake-token-default-project"
  endpoints = {
    apig      = "http://127.0.0.1:8780"
    roma      = "http://127.0.0.1:8780"
    modelarts = "http://127.0.0.1:8780"
    osm       = "http://127.0.0.1:8780"
    iam       = "http://127.0.0.1:8780"
  }
}
