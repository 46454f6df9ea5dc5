/** What an id (of a location, SKU, pool, profile, ...) may look like, wherever one arrives from outside. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** The rule `ID_PATTERN` enforces, as an error message says it. */
export const ID_RULE = 'must be 1-128 characters of letters, digits, . _ : - and start with a letter or digit';
