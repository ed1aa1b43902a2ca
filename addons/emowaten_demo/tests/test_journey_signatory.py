# Filled by the signatory journey (helper F).
