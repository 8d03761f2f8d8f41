//! An allocator that asks Linux for huge pages for every large allocation.
//!
//! A big history lives in arrays of tens or hundreds of megabytes (the rows, the name
//! tables of the pieces being read), written and read at random when the file is in no
//! order. With 4 KiB pages each first touch is a page fault and most random reads miss
//! the TLB; with 2 MiB pages there are 512 times fewer of both. Linux's default
//! ("madvise") gives huge pages only where asked, so this asks, for allocations of 4 MiB
//! or more, before they are touched. Elsewhere, or if the kernel declines, it is the
//! system allocator and nothing else.

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator, with huge pages advised for large allocations.
pub struct HugePages;

/// Allocations at least this large are advised...
const LARGE: usize = 4 << 20;
/// ...and no larger than this: for arrays of hundreds of megabytes (a million tenants)
/// the kernel spent more finding huge pages than the pages saved.
const HUGE: usize = 64 << 20;

#[cfg(target_os = "linux")]
fn advise(ptr: *mut u8, size: usize) {
    const PAGE: usize = 4096;
    let start = (ptr as usize).next_multiple_of(PAGE);
    let end = (ptr as usize + size) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside an allocation just made and owned by the caller;
        // MADV_HUGEPAGE only changes how its pages are backed, never their contents.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_ptr: *mut u8, _size: usize) {}

// SAFETY: every method forwards to `System`, which upholds the contract; the advice only
// touches memory of the allocation returned.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() && (LARGE..=HUGE).contains(&layout.size()) {
            advise(ptr, layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() && (LARGE..=HUGE).contains(&layout.size()) {
            advise(ptr, layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as given.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded as given.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() && (LARGE..=HUGE).contains(&new_size) {
            advise(new, new_size);
        }
        new
    }
}
