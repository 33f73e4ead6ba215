// Index of this workgroup when a dispatch is spread over x and y (x first).
uint flatWorkgroup() {
    return gl_WorkGroupID.y * gl_NumWorkGroups.x + gl_WorkGroupID.x;
}
