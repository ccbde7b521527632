"""Spellings of one mailbox, and look-alikes of an address, shared by the tests of every endpoint that takes an email."""

# bob@example.com in full-width letters: NFKC makes it the plain address.
FULL_WIDTH_BOB = "\uff42\uff4f\uff42@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff43\uff4f\uff4d"
# bob@example.com with an invisible or format character: no canonical form, so refused.
LOOK_ALIKES = [
    "bob@exa\u00admple.com",  # a soft hyphen in the domain
    "bob@exa\u200bmple.com",  # a zero-width space in the domain
    "b\u00adob@example.com",  # a soft hyphen in the local part
    "b\u200bob@example.com",  # a zero-width space in the local part
    "\u202ebob@example.com",  # a bidi override
]
