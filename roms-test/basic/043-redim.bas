10 dim a(5)
20 dim a(5)
