define internal i64 @golden.wrappedAdd(i64 %a0, i64 %a1) #0 {
entry:
  %v.a.0 = alloca i64, align 8
  %v.b.1 = alloca i64, align 8
  store i64 %a0, ptr %v.a.0
  store i64 %a1, ptr %v.b.1
  %t2 = load i64, ptr %v.a.0
  %t3 = load i64, ptr %v.b.1
  %t4 = add i64 %t2, %t3
  ret i64 %t4
}
