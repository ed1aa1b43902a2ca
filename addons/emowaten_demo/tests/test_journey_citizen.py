# Filled by the citizen journey (helper F).
