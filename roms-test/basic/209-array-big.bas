10 dim a(1000):for i=0 to 1000 step 100:a(i)=i:next:s=0
20 for i=0 to 1000:s=s+a(i):next:print s
