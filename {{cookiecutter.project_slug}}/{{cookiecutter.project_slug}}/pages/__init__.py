"""The account pages: sign-in, sign-up, the pages of the emailed links, and the account page, at `/`."""
