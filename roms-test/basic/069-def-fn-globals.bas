10 a=2:def fn h(x)=x*a:a=5:print fn h(3)
