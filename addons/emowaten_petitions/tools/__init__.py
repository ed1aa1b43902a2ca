from .arabic import arabic_normalize, text_similarity
