variable "access_key" {
  type = string
}

variable "secret_key" {
  type      = string
  sensitive = true
}

variable "otc_user" {
  type = string
}

variable "otc_password" {
  type      = string
  sensitive = true
}

variable "otc_domain" {
  type = string
}

variable "domain_id" {
  type = string
}
