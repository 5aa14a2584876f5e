# Endpoint overrides: any service's base URL can be replaced, e.g. to reach a gateway through a private
# endpoint or a proxy. Services not listed keep the cloud's endpoint template.
provider "authz" {
  region = "eu-de"
  cloud  = "otc"
  endpoints = {
    apig = "https://apig.internal.example.com"
    iam  = "https://iam.eu-de.otc.t-systems.com"
  }
}
