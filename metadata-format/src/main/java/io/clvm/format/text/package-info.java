/**
 * lvm2's config/metadata text: {@link io.clvm.format.text.ConfigParser} reads it into an ordered
 * {@link io.clvm.format.text.ConfigSection} tree, {@link io.clvm.format.text.ConfigPrinter} writes
 * a tree back. The layer is generic: it knows the syntax (sections, settings, integers, floats,
 * strings with {@code \"} and {@code \\} escapes, arrays, {@code #} comments), not what any key
 * means; the model maps the tree to VGs, PVs and LVs.
 *
 * <p>lvm2 quirks kept on purpose: input ends at the first NUL; integers are converted like C {@code
 * strtoll(s, NULL, 0)}, so a leading zero means octal; bare words in value position are strings;
 * duplicate keys are kept and lookups see the first. Errors are {@link
 * io.clvm.format.text.TextSyntaxException}s with line and column.
 */
package io.clvm.format.text;
