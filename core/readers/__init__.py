"""Readers and writers for the file formats the project meets: CoNLL-style NER files, Pharaoh
word alignments and parallel text. Every problem with a file raises
:class:`core.errors.ProjectError` naming the file and line."""

from core.readers.conll import (DOCSTART, format_conll, is_docstart, iter_conll, read_conll,
                                write_conll)
from core.readers.parallel import (iter_text_lines, read_line_aligned, read_lines,
                                   read_tsv_pairs, write_line_aligned)
from core.readers.pharaoh import (check_alignment_bounds, format_pharaoh, parse_pharaoh_line,
                                  read_pharaoh, write_pharaoh)

__all__ = [
    "DOCSTART", "format_conll", "is_docstart", "iter_conll", "read_conll", "write_conll",
    "iter_text_lines", "read_line_aligned", "read_lines", "read_tsv_pairs", "write_line_aligned",
    "check_alignment_bounds", "format_pharaoh", "parse_pharaoh_line", "read_pharaoh",
    "write_pharaoh",
]
