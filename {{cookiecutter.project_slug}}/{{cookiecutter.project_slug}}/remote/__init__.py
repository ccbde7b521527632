"""Client service side of the remote split: verify the auth service's tokens locally, copy its users, proxy its logins."""
