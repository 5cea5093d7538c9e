10 dim a(-1)
