"""Printable compilations of a session: 提案汇编, 答复汇编, 提案目录 (PDF and .docx)."""
