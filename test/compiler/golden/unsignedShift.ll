define internal i64 @golden.unsignedShift(i64 %a0) #0 {
entry:
  %v.a.0 = alloca i64, align 8
  store i64 %a0, ptr %v.a.0
  %t1 = load i64, ptr %v.a.0
  %t2 = lshr i64 %t1, 3
  ret i64 %t2
}
