10 score=5:print score
