10 def fn f(x)=x:print fn f("a")
